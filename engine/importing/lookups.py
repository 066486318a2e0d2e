"""Find reference data by what people write: territories, vocabulary terms, organisations."""

import difflib
import re
from collections.abc import Iterable
from typing import Generic, TypeVar

from engine.french.text import fold, key
from engine.importing.values import LIST_SEPARATOR, is_blank, shown_multiline
from engine.models import Organisation, Territory, VocabularyTerm

V = TypeVar("V")
ARTICLE = re.compile(r"^(?:(?:les|le|la)\s+|l')")
DEPARTMENT_NAMES = (
    "Martinique",
    "Toute la Martinique",
    "Ensemble de la Martinique",
    "La Martinique",
    "Martinique entière",
    "Toutes les communes",
    "Toutes les communes de la Martinique",
    "Tout le territoire",
    "Département",
)
# What people call the three EPCI besides their names: the part of the island they cover.
EPCI_ALIASES = {
    "249720061": ("Centre", "Communauté d'agglomération du Centre de la Martinique"),
    "200041788": ("Nord", "CAP Nord", "Communauté d'agglomération du Pays Nord Martinique"),
    "249720053": ("Sud", "Communauté d'agglomération de l'Espace Sud de la Martinique"),
}
COMMUNE_ALIASES = {"97209": ("FDF",)}


class Lookup(Generic[V]):
    """Names to values by matching key (or an unambiguous part of one, when `partial`)."""

    def __init__(self, *, partial: bool = False, spelling: bool = False) -> None:
        self.keys: dict[str, V] = {}
        self.partial, self.spelling = partial, spelling
        self._cache: dict[str, tuple[list[V], list[str]]] = {}

    def add(self, value: V, *names: str | None) -> None:
        for name in names:
            if k := key(name):
                self.keys.setdefault(k, value)

    def find(self, name: str) -> V | None:
        """Return the value a name designates, or None."""
        k = key(name)
        return self.keys[k] if k in self.keys else self._close(k)

    def find_all(self, cell: object) -> tuple[list[V], list[str]]:
        """Return the values a list cell names, and the pieces that name nothing."""
        text = "" if is_blank(cell) else shown_multiline(cell)
        if text not in self._cache:
            self._cache[text] = self._find_all(text)
        found, unknown = self._cache[text]
        return list(found), list(unknown)

    def _find_all(self, text: str) -> tuple[list[V], list[str]]:
        # Labels may hold separators ("sport, culture et loisirs"): the longest run of pieces
        # that names something wins.
        parts = [p for p in LIST_SEPARATOR.split(text) if not is_blank(p)]
        keys = [key(p) for p in parts]
        found: list[V] = []
        unknown: list[str] = []
        i = 0
        while i < len(parts):
            j, value = self._longest(keys, i)
            if value is None:
                unknown.append(parts[i])
            elif value not in found:
                found.append(value)
            i = j
        return found, unknown

    def _longest(self, keys: list[str], i: int) -> tuple[int, V | None]:
        """Return where the longest run of pieces from `i` that names a value ends, and it."""
        for j in range(len(keys), i, -1):
            value = self.keys.get("".join(keys[i:j]))
            if value is not None:
                return j, value
        return i + 1, self._close(keys[i])

    def _close(self, k: str) -> V | None:
        if len(k) < 5 or not self.partial:
            return None
        values = {v for name, v in self.keys.items() if k in name}
        return values.pop() if len(values) == 1 else None

    def suggest(self, name: str) -> V | None:
        """Return the one value a misspelt name is close to, for a "did you mean" — never a match.

        A close spelling is not accepted silently: "Sainte-Lucie" (the neighbouring island) is
        one letter from Sainte-Luce.
        """
        k = key(name)
        if not self.spelling or len(k) < 5:
            return None
        values = {self.keys[n] for n in difflib.get_close_matches(k, self.keys, n=3, cutoff=0.85)}
        return values.pop() if len(values) == 1 else None


def territories(rows: Iterable[Territory]) -> Lookup[str]:
    """Find territories (as COG codes) by INSEE code, SIREN, name with or without article."""
    lookup: Lookup[str] = Lookup(spelling=True)
    for t in rows:
        names = [t.code, t.cog, t.name, t.short_name]
        if t.kind == "commune":
            names += [_without_article(t.name), _saints(t.name), *COMMUNE_ALIASES.get(t.code, ())]
        elif t.kind == "epci":
            names += _epci_names(t.short_name or "") + list(EPCI_ALIASES.get(t.code, ()))
        else:
            names += DEPARTMENT_NAMES
        lookup.add(t.cog, *names)
    return lookup


def _without_article(name: str) -> str:
    return ARTICLE.sub("", fold(name))


def _saints(name: str) -> str:
    folded = _without_article(name)
    return re.sub(r"\bsaint\b", "st", re.sub(r"\bsainte\b", "ste", folded))


def _epci_names(short: str) -> list[str]:
    """Split "Espace Sud (CAESM)" into both names; "CAP Nord Martinique" also as "CAP Nord"."""
    base, _, acronym = short.partition("(")
    return [base, acronym.rstrip(")"), re.sub(r"\s*Martinique$", "", base.strip())]


def vocabulary(terms: Iterable[VocabularyTerm]) -> Lookup[str]:
    """Find terms (as codes) by code, French or English label, or an unambiguous part of one."""
    lookup: Lookup[str] = Lookup(partial=True)
    for term in terms:
        short = term.label_fr.split("(")[0]
        lookup.add(term.code, term.code, term.label_fr, term.label_en, short)
    return lookup


def organisations(rows: Iterable[Organisation]) -> tuple[Lookup[int], dict[str, int]]:
    """Find organisations (as ids) by exact folded name; and by SIREN."""
    names: Lookup[int] = Lookup()
    sirens: dict[str, int] = {}
    for organisation in rows:
        names.add(organisation.id, organisation.name)
        if organisation.siren:
            sirens[organisation.siren] = organisation.id
    return names, sirens

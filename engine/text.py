"""Text as people type it: compare without case, accents or punctuation."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Return text lower-cased, without accents or ligatures ("Réussite " → "reussite")."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def key(text: str | None) -> str:
    """Return a matching key: folded, punctuation and spaces removed ("Budget (€)" → "budget")."""
    return _NOT_WORD.sub("", fold(text))


def searchable(*parts: str | None) -> str:
    """Return the folded text a search column stores for these parts."""
    return fold(" ".join(p for p in parts if p))

"""Read one data row into the fields of a new scheme, or into errors naming column and value."""

import re
from collections.abc import Callable
from functools import partial
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError

from engine.french.messages import french_errors
from engine.french.text import key
from engine.importing import values as v
from engine.importing.lookups import Lookup
from engine.models import PARTNER_ROLES
from engine.records import fields
from engine.records.reference import AID_TYPES, PUBLICS, THEMES
from engine.records.schemas import NewSchemeFields
from engine.records.values import consistency_errors

Error = tuple[str, str, str]

# How an import reads a cell of each kind of field.
READERS: dict[str, Callable[[object], Any]] = {
    fields.TEXT: v.text,
    fields.EMAIL: v.text,
    fields.LONG_TEXT: v.long_text,
    fields.PHONE: v.phone,
    fields.URL: v.web_address,
    fields.MONEY: v.amount,
    fields.COUNT: v.integer,
    fields.AGE: partial(v.integer, unit="ans"),
    fields.DATE: v.day,
    fields.END_DATE: partial(v.day, last=True),
}
SCALARS: dict[str, Callable[[object], Any]] = {
    f.name: READERS[f.kind] for f in fields.entered_scalars(fields.SCHEME_FIELDS) if f.imported
}
VOCABULARIES = {
    "themes": ("thématique", THEMES),
    "publics": ("public", PUBLICS),
    "aid_types": ("nature d'aide", AID_TYPES),
}
TERRITORY_EXPECTED = (
    "commune (nom ou code INSEE), intercommunalité (CACEM, CAP Nord, Espace Sud) "
    "ou « Toute la Martinique »"
)
# Format errors say what a good value looks like; other messages (lengths…) already do.
FORMAT_EXPECTED = {
    "contact_email": "adresse électronique (ex. contact@exemple.fr)",
    "contact_phone": "numéro de téléphone (ex. 0596 12 34 56)",
    "url": "adresse web (ex. https://exemple.fr)",
}
ROLES = {key(code): code for code in PARTNER_ROLES} | {
    key(label): code for code, label in PARTNER_ROLES.items()
}
# What engine.records.values.consistency_errors reads of a scheme.
CONSISTENCY_FIELDS = ("age_min", "age_max", "start_date", "end_date", "annual_budget")
ENDING_GROUP = re.compile(r"^(.*?)\s*(?:\(([^()]*)\)|:\s*([^:]*))$")


class RowReader:
    """Reads rows with the reference data of one import: lookups built once, values cached."""

    def __init__(
        self,
        lookups: dict[str, Lookup],
        organisations: Lookup[int],
        names: dict[str, str] | None = None,
    ) -> None:
        self.lookups = lookups
        self.organisations = organisations
        self.names = names or {}  # COG code → name, for "did you mean" hints
        self.schema = NewSchemeFields(exclude=("organisation_id",))

    def read(self, raw: dict[str, object], label: Callable[[str], str]) -> tuple[dict, list[Error]]:
        """Return a row's validated fields (Python values) and its errors."""
        data: dict[str, Any] = {}
        errors: list[Error] = []
        failed = set()
        for name, cell in raw.items():
            try:
                value = self._value(name, cell)
            except v.BadValue as exc:
                shown = v.shown(cell) if exc.value is None else exc.value
                errors.append((label(name), shown, exc.expected))
                failed.add(name)
                continue
            if value not in (None, []):
                data[name] = value
        if "title" not in data and "title" not in failed:
            errors.append((label("title"), "", "intitulé du dispositif (obligatoire)"))
            failed.add("title")
        clean, problems = self._validate(data, raw, label)
        return clean, errors + [e for name, e in problems if name not in failed]

    def _value(self, name: str, cell: object) -> Any:
        if name in SCALARS:
            return SCALARS[name](cell)
        if name in ("funders", "partners"):
            return [self._link(name, piece) for piece in v.items(cell)]
        lookup = self.lookups[name]
        found, unknown = lookup.find_all(cell)
        if unknown:
            raise v.BadValue(
                _expected(name) + _suggestions(lookup, unknown, self.names), " ; ".join(unknown)
            )
        return found

    def _link(self, name: str, piece: str) -> dict[str, Any]:
        """Read "CAF (12 000 €)" or "CAF : 12 000 €" as a funder, "CAF (financeur)" as a partner."""
        match = ENDING_GROUP.match(piece)
        who, detail = (match.group(1), match.group(2) or match.group(3)) if match else (piece, "")
        if name == "partners":
            role = ROLES.get(key(detail))
            return self._who(who if role else piece) | {"role": role or "partenaire"}
        try:
            amount = v.amount(detail)
        except v.BadValue:
            who, amount = piece, None
        return self._who(who if amount is not None else piece) | {"amount": amount}

    def _who(self, name: str) -> dict[str, Any]:
        """A partner or funder: a recorded organisation when the name is one, else the name."""
        organisation_id = self.organisations.find(name)
        return {"organisation_id": organisation_id, "name": None if organisation_id else name}

    def _validate(self, data: dict, raw: dict, label: Callable[[str], str]):
        """Check the fields read with the services' own schema and consistency rules."""
        try:
            clean = self.schema.load(data)
        except ValidationError as exc:
            return data, _errors(french_errors(exc.normalized_messages()), raw, label)
        return clean, _errors(consistency_errors(_transient(clean)), raw, label)


def _suggestions(lookup, unknown: list[str], names: dict[str, str]) -> str:
    """Name what each misspelt piece probably meant ("Lamantin" → Le Lamentin)."""
    hints = []
    for piece in unknown:
        guess = lookup.suggest(piece)
        if guess is not None:
            hints.append(f"« {piece} » : vouliez-vous dire {names.get(guess, guess)} ?")
    return (" — " + " ".join(hints)) if hints else ""


def _expected(name: str) -> str:
    if name == "territories":
        return TERRITORY_EXPECTED
    noun, terms = VOCABULARIES[name]
    return f"{noun} de la liste : " + " ; ".join(label for _, label, _ in terms)


def _errors(messages: dict[str, list[str]], raw: dict, label: Callable[[str], str]) -> list:
    """Return (field, (column, value, expected)) for each message of a field path."""
    errors = []
    for path, texts in messages.items():
        name = path.split(".")[0]
        for text in texts:
            expected = FORMAT_EXPECTED.get(name, text)
            errors.append((name, (label(name), v.shown(raw.get(name)), expected)))
    return errors


def _transient(clean: dict) -> SimpleNamespace:
    """A scheme's fields as plain attributes, for the rules that tie them together."""
    scheme = SimpleNamespace(**(dict.fromkeys(CONSISTENCY_FIELDS) | clean))
    scheme.funders = [SimpleNamespace(**f) for f in clean.get("funders", [])]
    scheme.partners = [SimpleNamespace(**p) for p in clean.get("partners", [])]
    return scheme

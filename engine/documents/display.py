"""Stored values (codes, ids, ISO dates, amounts as text) shown as a French reader expects."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.french.formatting import NOTHING, day, money, number
from engine.models import PARTNER_ROLES, POOLING_KINDS, Organisation, Scheme, Territory
from engine.models.vocabulary import VocabularyTerm
from engine.records import fields
from engine.records.fields import (
    POOLING_FIELDS,
    SCHEME_FIELDS,
    of_kind,
)
from engine.records.registry import RECORD_TYPES, record_type
from engine.records.values import VOCABULARY_FIELDS

TABLES = (*SCHEME_FIELDS, *POOLING_FIELDS)
# Names the services write in the audit log that differ from the column names people see.
ALIASES = {f.input: f.name for f in TABLES if f.input}
EXTRA_LABELS = {
    "copil_target_date": "Date de COPIL visée",
    "target_date": "Date cible",
    "indicator": "Indicateur",
    "milestone": "Étape",
    "value": "Valeur",
    "due_on": "Échéance",
    "done_on": "Date de réalisation",
}
INPUT_LABELS = {
    "decision_reference": "Référence de la décision",
    "decision_date": "Date de la décision",
    "conditions": "Conditions",
    "target_date": "Date de COPIL visée",
}
# How a logged value is shown, by the kind of its field in the tables (and of a funder's amount).
MONEY = {*of_kind(TABLES, fields.MONEY), "amount"}
DATES = {*of_kind(TABLES, *fields.DATES), "due_on", "done_on"}
COUNTS = set(of_kind(TABLES, fields.COUNT))


def field_label(kind: str, name: str) -> str:
    """Return the French label of a field of a scheme or a pooling."""
    rtype = RECORD_TYPES.get(kind)  # users, organisations… have no field table
    columns = fields.columns(rtype.fields) if rtype is not None else {}
    name = ALIASES.get(name, name)
    if name in columns:
        return columns[name][0]
    if name in RECORD_TYPES:  # a link to a record: "pooling" when a scheme joins one
        return record_type(name).french.label
    return EXTRA_LABELS.get(name, name)


def territory_label(territory: Territory) -> str:
    """Name a territory with its COG code: "Fort-de-France (COM-97209)"."""
    return f"{territory.name} ({territory.cog})"


class Display:
    """Shows audit-log values by name; looks up terms, territories and organisations once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._terms: dict[tuple[str, str], str] | None = None
        self._territories: dict[str, str] | None = None
        self._organisations: dict[int, str] | None = None

    def value(self, name: str, value: Any) -> str:
        """Return a stored field value as text, "—" when empty."""
        if value is None or value == "" or value == []:
            return NOTHING
        name = ALIASES.get(name, name)
        if name in VOCABULARY_FIELDS:
            return ", ".join(self.term(VOCABULARY_FIELDS[name], code) for code in value)
        shown = self._special(name, value)
        return shown if shown is not None else str(value)

    def _special(self, name: str, value: Any) -> str | None:
        if name == "territories":
            return ", ".join(self.territory(cog) for cog in value)
        if name in ("organisation", "lead_organisation"):
            return self.organisation(value)
        if name == "partners":
            return " ; ".join(self.partner(p) for p in value)
        if name == "funders":
            return " ; ".join(self.funder(f) for f in value)
        if name == "members":
            return ", ".join(self.scheme_references(value))
        if name == "kind":
            return POOLING_KINDS.get(value, value)
        if name in MONEY:
            return _money(value)
        if name in DATES:
            return day(date.fromisoformat(value)) if isinstance(value, str) else day(value)
        if name in COUNTS:
            return number(value)
        return None

    def term(self, vocabulary: str, code: str) -> str:
        if self._terms is None:
            rows = self.session.execute(
                select(VocabularyTerm.vocabulary, VocabularyTerm.code, VocabularyTerm.label_fr)
            )
            self._terms = {(v, c): label for v, c, label in rows}
        return self._terms.get((vocabulary, code), code)

    def territory(self, cog: str) -> str:
        if self._territories is None:
            self._territories = {
                t.cog: territory_label(t) for t in self.session.scalars(select(Territory))
            }
        return self._territories.get(cog, cog)

    def organisation(self, organisation_id: int | None) -> str:
        if organisation_id is None:
            return NOTHING
        if self._organisations is None:
            rows = self.session.execute(select(Organisation.id, Organisation.name))
            self._organisations = {i: name for i, name in rows}
        return self._organisations.get(organisation_id, f"structure n°{organisation_id}")

    def partner(self, partner: dict) -> str:
        who = partner.get("name") or self.organisation(partner.get("organisation_id"))
        return f"{who} ({PARTNER_ROLES.get(partner.get('role'), partner.get('role'))})"

    def funder(self, funder: dict) -> str:
        who = funder.get("name") or self.organisation(funder.get("organisation_id"))
        amount = funder.get("amount")
        return who if amount is None else f"{who} : {_money(amount)}"

    def scheme_references(self, ids: list[int]) -> list[str]:
        rows = self.session.execute(select(Scheme.id, Scheme.reference).where(Scheme.id.in_(ids)))
        found = {i: reference for i, reference in rows}
        return [found.get(i, f"dispositif n°{i}") for i in ids]


def _money(value: Any) -> str:
    try:
        return money(Decimal(str(value)))
    except InvalidOperation:
        # An amount the log holds in an unexpected form is shown as written, never hidden.
        return str(value)

"""What a scheme form offers: vocabularies, organisations, territories grouped by EPCI."""

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotPermitted
from engine.french.messages import french_errors
from engine.models import Organisation, Territory, VocabularyTerm
from engine.models.scheme import PARTNER_ROLES
from engine.records.registry import RECORD_TYPES, RecordFacts
from engine.records.schemas import NewSchemeFields, SchemeFields
from engine.rules.policy import Actor
from engine.rules.workflow import Workflow
from engine.services.records import ensure_editable


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class EpciGroup:
    """An EPCI and its communes: the form offers the whole EPCI or some of its communes."""

    epci: Choice
    communes: tuple[Choice, ...]


@dataclass(frozen=True)
class SchemeChoices:
    themes: tuple[Choice, ...]
    publics: tuple[Choice, ...]
    aid_types: tuple[Choice, ...]
    organisations: tuple[Choice, ...]
    partner_roles: tuple[Choice, ...]
    department: Choice
    epcis: tuple[EpciGroup, ...]

    def collapse_territories(self, cogs: list[str]) -> list[str]:
        """Keep the widest areas checked: Martinique alone, else each EPCI without its communes."""
        wanted = list(dict.fromkeys(cogs))
        if self.department.value in wanted:
            return [self.department.value]
        whole = {g.epci.value for g in self.epcis if g.epci.value in wanted}
        covered = {c.value for g in self.epcis if g.epci.value in whole for c in g.communes}
        return [cog for cog in wanted if cog not in covered]


def scheme_choices(session: Session) -> SchemeChoices:
    """Return the active vocabulary terms, organisations and territories a scheme form lists."""
    terms: dict[str, list[Choice]] = {"theme": [], "public": [], "aid_type": []}
    for term in session.scalars(
        select(VocabularyTerm)
        .where(VocabularyTerm.active.is_(True))
        .order_by(VocabularyTerm.position, VocabularyTerm.id)
    ):
        terms[term.vocabulary].append(Choice(term.code, term.label_fr))
    organisations = session.execute(select(Organisation.id, Organisation.name).order_by("name"))
    department, epcis = _territories(session)
    return SchemeChoices(
        themes=tuple(terms["theme"]),
        publics=tuple(terms["public"]),
        aid_types=tuple(terms["aid_type"]),
        organisations=tuple(Choice(str(i), name) for i, name in organisations),
        partner_roles=tuple(Choice(code, label) for code, label in PARTNER_ROLES.items()),
        department=department,
        epcis=epcis,
    )


def _territories(session: Session) -> tuple[Choice, tuple[EpciGroup, ...]]:
    rows = list(session.scalars(select(Territory).order_by(Territory.name)))
    department = next(t for t in rows if t.kind == "department")
    groups = []
    for epci in (t for t in rows if t.kind == "epci"):
        communes = tuple(
            Choice(t.cog, t.name) for t in rows if t.kind == "commune" and t.epci_id == epci.id
        )
        label = f"{epci.short_name} — {epci.name}" if epci.short_name else epci.name
        groups.append(EpciGroup(Choice(epci.cog, label), communes))
    return Choice(department.cog, department.name), tuple(groups)


def scheme_field_errors(data: dict[str, Any], *, new: bool) -> dict[str, list[str]]:
    """Return the French errors the services would give these fields (nothing is written)."""
    schema = NewSchemeFields() if new else SchemeFields()
    try:
        schema.load(data)
    except ValidationError as exc:
        return french_errors(exc.normalized_messages())
    return {}


def edit_refusal(workflow: Workflow, facts: RecordFacts, actor: Actor) -> NotPermitted | None:
    """Return why the actor may not edit the record's fields now, or None when they may."""
    try:
        # The rule lives with edit_record; asking it keeps the page and the service agreeing.
        ensure_editable(workflow, RECORD_TYPES[facts.kind], facts, actor)
    except NotPermitted as refusal:
        return refusal
    return None

"""The one registry of record types: what the engine knows of a scheme and of a pooling.

Each `RecordType` holds its table, how French and English name it, its separation-of-duties
sentences, its edit schema, its representation, its field table and how to tell each required
one is filled; `record_type(name)` finds one. Nothing else keeps a map from "scheme" and "pooling".
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from marshmallow import Schema
from sqlalchemy import Integer, Select, Table, bindparam, case, cast, func, null, or_, select

from engine.models.meeting import Meeting, MeetingMember
from engine.models.objective import Indicator, Objective
from engine.models.pooling import Pooling, pooling_member
from engine.models.scheme import (
    Scheme,
    scheme_aid_type,
    scheme_public,
    scheme_territory,
    scheme_theme,
)
from engine.records.fields import (
    MEETING_FIELDS,
    OBJECTIVE_FIELDS,
    POOLING_FIELDS,
    SCHEME_FIELDS,
    Field,
)
from engine.records.representation import (
    MEETING_SHAPE,
    OBJECTIVE_SHAPE,
    POOLING_SHAPE,
    SCHEME_SHAPE,
    Shape,
)
from engine.records.schemas import MeetingFields, ObjectiveFields, PoolingFields, SchemeFields

# States a scheme must be in to be a member of a pooling.
POOLABLE_STATES = ("reviewed", "proposed", "approved")


@dataclass(frozen=True)
class Requirement:
    """How to tell that a required field is filled: an SQL expression and its French label."""

    label: str
    minimum: int = 0  # 0: a scalar that must be non-empty; n: a count that must reach n


@dataclass(frozen=True)
class RecordFacts:
    """What the rules need to know of a record, read in one statement."""

    kind: str
    id: int
    reference: str
    state: str
    version: int
    workflow_name: str
    workflow_version: int
    organisation_id: int | None
    created_by_id: int | None
    submitted_by_id: int | None
    proposed_by_id: int | None
    updated_by_id: int | None
    updated_at: datetime
    values: dict[str, Any]
    # The delegators the stamps' persons acted for (engine/models/record.py), or None.
    created_for_id: int | None = None
    submitted_for_id: int | None = None
    proposed_for_id: int | None = None

    def filled(self, field: str, requirement: Requirement) -> bool:
        value = self.values.get(field)
        if requirement.minimum:
            return (value or 0) >= requirement.minimum
        return value is not None and (not isinstance(value, str) or value.strip() != "")


@dataclass(frozen=True)
class Nouns:
    """How one language names a record type, in the phrases pages and documents use."""

    label: str  # "Dispositif": a column, a badge, a line of the log
    the: str  # "le dispositif"
    this: str  # "ce dispositif"
    workflow: str  # "Circuit d'un dispositif"
    case_file: str = ""  # "Dossier de dispositif" (documents are in French only)


@dataclass(frozen=True, eq=False)
class RecordType:
    name: str  # also its workflow's name, its audit events' record_type, its URL argument's stem
    model: type
    prefix: str
    french: Nouns
    english: Nouns
    organisation_column: str | None  # None: the record belongs to no organisation (a meeting)
    requirements: dict[str, Requirement]
    input_fields: frozenset[str]
    duties: dict[str, str]  # guard name → the French sentence of a refusal
    edit_schema: type[Schema]
    shape: Shape
    fields: tuple[Field, ...]  # its field table: labels, form, import, exports, case file
    pages: str  # its pages' path under the site's root: "dispositifs" for /dispositifs/<id>

    def path(self, record_id: int, *rest: str) -> str:
        """Return the path of a record's page (or of a page under it) for links outside a
        request, such as a notification's: "/dispositifs/12", "/seances/3/convocation.pdf"."""
        return "/".join(("", self.pages, str(record_id), *rest))

    @property
    def table(self) -> Table:
        return self.model.__table__

    @cache  # noqa: B019 (record types are module-level constants)
    def edit_fields(self) -> Schema:
        """Return the schema validating an edit of this type's fields (built once)."""
        return self.edit_schema()

    @cache  # noqa: B019 (record types are module-level constants)
    def facts_statement(self, lock: bool) -> Select:
        """Return the statement reading this type's facts by ``record_id`` (built once)."""
        t = self.table
        stmt = select(*self.facts_columns()).where(t.c.id == bindparam("record_id"))
        return stmt.with_for_update(of=t) if lock else stmt

    @cache  # noqa: B019 (record types are module-level constants)
    def facts_columns(self) -> tuple:
        """Return the columns `facts` reads, named as it reads them (for larger statements)."""
        t = self.table
        return (
            t.c.id,
            t.c.reference,
            t.c.state,
            t.c.version,
            t.c.workflow_name,
            t.c.workflow_version,
            self._organisation(t).label("organisation_id"),
            t.c.created_by_id,
            t.c.submitted_by_id,
            t.c.proposed_by_id,
            t.c.updated_by_id,
            t.c.updated_at,
            t.c.created_for_id,
            t.c.submitted_for_id,
            t.c.proposed_for_id,
            *_requirement_columns(self.name, t),
        )

    def _organisation(self, t: Table):
        if self.organisation_column is None:
            return cast(null(), Integer)
        return t.c[self.organisation_column]

    def facts(self, row) -> RecordFacts:
        mapping = row._mapping
        values = {name: mapping[name] for name in self.requirements}
        return RecordFacts(
            self.name,
            row.id,
            row.reference,
            row.state,
            row.version,
            row.workflow_name,
            row.workflow_version,
            row.organisation_id,
            row.created_by_id,
            row.submitted_by_id,
            row.proposed_by_id,
            row.updated_by_id,
            row.updated_at,
            values,
            row.created_for_id,
            row.submitted_for_id,
            row.proposed_for_id,
        )


def _count(link: Table, key: str, owner) -> Any:
    return select(func.count()).select_from(link).where(link.c[key] == owner).scalar_subquery()


def _requirement_columns(kind: str, t: Table) -> list:
    if kind == "meeting":  # convened: a title, a date, someone to convene
        return [
            t.c.title,
            t.c.starts_at,
            _count(MeetingMember.__table__, "meeting_id", t.c.id).label("members"),
        ]
    if kind == "objective":  # adopted: a title, a lead organisation, an indicator
        return [
            t.c.title,
            t.c.organisation_id.label("organisation"),
            _count(Indicator.__table__, "objective_id", t.c.id).label("indicators"),
        ]
    if kind == "scheme":
        return [
            *(
                t.c[c]
                for c in (
                    "title",
                    "summary",
                    "description",
                    "start_date",
                    "eligibility",
                    "contact_email",
                    "contact_phone",
                )
            ),
            _count(scheme_theme, "scheme_id", t.c.id).label("themes"),
            _count(scheme_public, "scheme_id", t.c.id).label("publics"),
            _count(scheme_aid_type, "scheme_id", t.c.id).label("aid_types"),
            _count(scheme_territory, "scheme_id", t.c.id).label("territories"),
        ]
    s = Scheme.__table__
    eligible = (
        select(func.count())
        .select_from(pooling_member.join(s, s.c.id == pooling_member.c.scheme_id))
        .where(
            pooling_member.c.pooling_id == t.c.id,
            s.c.state.in_(POOLABLE_STATES),
            or_(s.c.pooling_id.is_(None), s.c.pooling_id == t.c.id),
        )
        .scalar_subquery()
    )
    total = _count(pooling_member, "pooling_id", t.c.id)
    # "members" is filled when at least two members exist and every one of them is eligible.
    members = case((eligible == total, eligible), else_=0)
    return [
        t.c.title,
        t.c.rationale,
        t.c.kind,
        t.c.decision_reference,
        t.c.lead_organisation_id.label("lead_organisation"),
        members.label("members"),
    ]


SCHEME = RecordType(
    name="scheme",
    model=Scheme,
    prefix="DSP",
    french=Nouns(
        "Dispositif",
        "le dispositif",
        "ce dispositif",
        "Circuit d'un dispositif",
        "Dossier de dispositif",
    ),
    english=Nouns("Scheme", "the scheme", "this scheme", "Scheme workflow"),
    organisation_column="organisation_id",
    requirements={
        "title": Requirement("intitulé"),
        "summary": Requirement("résumé"),
        "description": Requirement("description"),
        "themes": Requirement("thématiques", 1),
        "publics": Requirement("publics cibles", 1),
        "aid_types": Requirement("nature de l'aide", 1),
        "territories": Requirement("territoire couvert", 1),
        "start_date": Requirement("date de début"),
        "eligibility": Requirement("critères d'éligibilité"),
        "contact_email": Requirement("courriel de contact"),
        "contact_phone": Requirement("téléphone de contact"),
    },
    input_fields=frozenset({"copil_target_date", "decision_reference"}),
    duties={
        "not_submitter": "Vous avez soumis ce dispositif : un autre membre du COTECH doit "
        "l'examiner.",
        "not_proposer": "Vous avez proposé ce dispositif au COPIL : un autre membre du COPIL doit "
        "décider.",
        "not_author": "Vous avez créé ce dispositif : un autre membre du COTECH doit l'examiner.",
    },
    edit_schema=SchemeFields,
    shape=SCHEME_SHAPE,
    fields=SCHEME_FIELDS,
    pages="dispositifs",
)

POOLING = RecordType(
    name="pooling",
    model=Pooling,
    prefix="MUT",
    french=Nouns(
        "Mutualisation",
        "la mutualisation",
        "cette mutualisation",
        "Circuit d'une mutualisation",
        "Dossier de mutualisation",
    ),
    english=Nouns("Pooling", "the pooling", "this pooling", "Pooling workflow"),
    organisation_column="lead_organisation_id",
    requirements={
        "title": Requirement("intitulé"),
        "rationale": Requirement("justification"),
        "kind": Requirement("type de mutualisation"),
        "lead_organisation": Requirement("structure pilote"),
        "members": Requirement(
            "au moins deux dispositifs membres, chacun examiné, proposé ou approuvé", 2
        ),
        "decision_reference": Requirement("référence de la décision"),
    },
    input_fields=frozenset({"decision_reference", "decision_date", "decision_conditions"}),
    duties={
        "not_submitter": "Vous avez soumis cette mutualisation : un autre membre du COTECH doit "
        "l'examiner.",
        "not_proposer": "Vous avez proposé cette mutualisation au COPIL : un autre membre du "
        "COPIL doit décider.",
        "not_author": "Vous avez créé cette mutualisation : un autre membre du COTECH doit "
        "l'examiner (principe des quatre yeux).",
    },
    edit_schema=PoolingFields,
    shape=POOLING_SHAPE,
    fields=POOLING_FIELDS,
    pages="mutualisations",
)

MEETING = RecordType(
    name="meeting",
    model=Meeting,
    prefix="SEANCE",
    french=Nouns(
        "Séance",
        "la séance",
        "cette séance",
        "Circuit d'une séance",
        "Dossier de séance",
    ),
    english=Nouns("Meeting", "the meeting", "this meeting", "Meeting workflow"),
    organisation_column=None,
    requirements={
        "title": Requirement("intitulé"),
        "starts_at": Requirement("date et heure"),
        "members": Requirement("au moins un membre convoqué", 1),
    },
    input_fields=frozenset(),
    duties={},
    edit_schema=MeetingFields,
    shape=MEETING_SHAPE,
    fields=MEETING_FIELDS,
    pages="seances",
)

OBJECTIVE = RecordType(
    name="objective",
    model=Objective,
    prefix="OBJ",
    french=Nouns(
        "Objectif",
        "l'objectif",
        "cet objectif",
        "Circuit d'un objectif",
        "Fiche d'objectif",
    ),
    english=Nouns("Objective", "the objective", "this objective", "Objective workflow"),
    organisation_column="organisation_id",
    requirements={
        "title": Requirement("intitulé"),
        "organisation": Requirement("structure pilote"),
        "indicators": Requirement("au moins un indicateur", 1),
    },
    input_fields=frozenset(),
    duties={},
    edit_schema=ObjectiveFields,
    shape=OBJECTIVE_SHAPE,
    fields=OBJECTIVE_FIELDS,
    pages="objectifs",
)

RECORD_TYPES: dict[str, RecordType] = {
    SCHEME.name: SCHEME,
    POOLING.name: POOLING,
    MEETING.name: MEETING,
    OBJECTIVE.name: OBJECTIVE,
}
# What the committees decide on: the records a meeting's agenda puts before them.
DECIDED: tuple[RecordType, ...] = (SCHEME, POOLING)


@dataclass(frozen=True)
class AttachedType:
    """A kind that follows a workflow file but lives on a record's page, with no page, list or
    reference of its own (an opinion): what the workflow loader needs to check its file."""

    name: str
    organisation_column: str | None
    requirements: dict[str, Requirement]
    input_fields: frozenset[str]
    # Who may fire its transitions besides the roles (the loader accepts these names), and who
    # its `notify:` lists may name.
    parties: frozenset[str]
    pages: str  # its own page's path under the site's root: "avis" for /avis/<id>

    def path(self, item_id: int, *rest: str) -> str:
        return "/".join(("", self.pages, str(item_id), *rest))


OPINION = AttachedType(
    name="opinion",
    organisation_column="expert_organisation_id",
    requirements={},
    input_fields=frozenset(),
    parties=frozenset({"expert"}),
    pages="avis",
)
ATTACHED_TYPES: dict[str, AttachedType] = {OPINION.name: OPINION}


def record_type(name: str) -> RecordType:
    """Return the record type named `name` ("scheme", "pooling"); KeyError for another."""
    return RECORD_TYPES[name]

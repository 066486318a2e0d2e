"""The facts of the poolable schemes that the score reads, loaded in a few statements."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy import Connection, select

from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.models.pooling import pooling_member
from engine.models.scheme import scheme_aid_type, scheme_public, scheme_territory, scheme_theme
from engine.records.registry import POOLABLE_STATES

LINKS = {"themes": scheme_theme, "publics": scheme_public, "aid_types": scheme_aid_type}


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str


@dataclass(frozen=True)
class Place:
    """A territory and the larger ones that contain it (its EPCI, Martinique)."""

    id: int
    kind: str
    name: str
    within: frozenset[int]


@dataclass
class SchemeFacts:
    id: int
    reference: str
    title: str
    organisation_id: int
    organisation: str
    text: str
    age_min: int | None
    age_max: int | None
    budget: Decimal | None
    themes: list[int] = field(default_factory=list)
    publics: list[int] = field(default_factory=list)
    aid_types: list[int] = field(default_factory=list)
    territories: list[int] = field(default_factory=list)
    poolings: set[int] = field(default_factory=set)

    @cached_property
    def sets(self) -> dict[str, frozenset[int]]:
        """The vocabularies and territories as sets, made once: reasons intersect them often."""
        names = ("themes", "publics", "aid_types", "territories")
        return {name: frozenset(getattr(self, name)) for name in names}


@dataclass
class Facts:
    """Every poolable scheme, in id order, with the vocabularies and territories they use."""

    schemes: list[SchemeFacts]
    terms: dict[int, Term]
    places: dict[int, Place]

    def index(self) -> dict[int, int]:
        return {s.id: i for i, s in enumerate(self.schemes)}


def load_facts(conn: Connection, states: tuple[str, ...] = POOLABLE_STATES) -> Facts:
    """Read the schemes in `states` and what the score compares of them."""
    rows = conn.execute(
        select(
            Scheme.id,
            Scheme.reference,
            Scheme.title,
            Scheme.organisation_id,
            Organisation.name,
            Scheme.search_text,
            Scheme.age_min,
            Scheme.age_max,
            Scheme.annual_budget,
        )
        .join(Organisation, Organisation.id == Scheme.organisation_id)
        .where(Scheme.state.in_(states))
        .order_by(Scheme.id)
    )
    schemes = {r[0]: SchemeFacts(*r) for r in rows}
    for name, link in LINKS.items():
        _attach(conn, schemes, link, link.c.vocabulary_term_id, name)
    _attach(conn, schemes, scheme_territory, scheme_territory.c.territory_id, "territories")
    _attach(conn, schemes, pooling_member, pooling_member.c.pooling_id, "poolings")
    return Facts(list(schemes.values()), _terms(conn), _places(conn))


def _attach(conn, schemes, link, column, name) -> None:
    # Every link row, kept when its scheme is poolable: one plain read, no IN list of ids.
    stmt = select(link.c.scheme_id, column).order_by(link.c.scheme_id, column)
    for scheme_id, value in conn.execute(stmt):
        scheme = schemes.get(scheme_id)
        if scheme is not None:
            target = getattr(scheme, name)
            target.add(value) if isinstance(target, set) else target.append(value)


def _terms(conn) -> dict[int, Term]:
    rows = conn.execute(
        select(
            VocabularyTerm.id, VocabularyTerm.code, VocabularyTerm.label_fr, VocabularyTerm.label_en
        )
    )
    return {r[0]: Term(r[1], r[2], r[3]) for r in rows}


def _places(conn) -> dict[int, Place]:
    rows = conn.execute(
        select(
            Territory.id, Territory.kind, Territory.name, Territory.short_name, Territory.epci_id
        )
    ).all()
    departments = frozenset(r[0] for r in rows if r[1] == "department")
    places = {}
    for id_, kind, name, short_name, epci_id in rows:
        within = set() if kind == "department" else set(departments)
        if epci_id is not None:
            within.add(epci_id)
        places[id_] = Place(id_, kind, short_name or name, frozenset(within))
    return places

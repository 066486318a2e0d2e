"""The COTECH's pistes de mutualisation, read from the stored candidates: ranked, filtered by
theme, territory or organisation, the dismissed ones left out (until they come back)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from engine.candidates.reasons import sentence
from engine.candidates.store import COMES_BACK
from engine.errors import InvalidInput, NotPermitted
from engine.models import (
    CandidateDismissal,
    Organisation,
    PoolingCandidate,
    Scheme,
    Territory,
    VocabularyTerm,
)
from engine.models.candidate import candidate_member
from engine.models.scheme import scheme_territory, scheme_theme
from engine.rules.policy import Actor, role_reason

READERS = frozenset({"cotech", "coordinator", "copil", "secretary"})
DISMISSERS = frozenset({"cotech", "coordinator"})
PAGE = 30


@dataclass(frozen=True)
class CandidateFilter:
    """What the COTECH narrows the candidates to: a theme code, a territory (COG), a structure."""

    theme: str | None = None
    territory: str | None = None  # COM-97213, EPCI-249720061, DEP-972
    organisation_id: int | None = None


@dataclass(frozen=True)
class Member:
    id: int
    reference: str
    title: str
    state: str
    organisation: str
    annual_budget: Decimal | None


@dataclass(frozen=True)
class CandidateView:
    id: int
    key: str
    size: int
    score: float
    reasons: list[dict[str, Any]]
    members: list[Member]

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    def explained(self, english: bool = False) -> str:
        return sentence(self.reasons, english)


@dataclass(frozen=True)
class CandidatePage:
    rows: list[CandidateView]
    total: int
    page: int
    pages: int


def ensure_reader(actor: Actor) -> None:
    """Refuse the candidates to whoever is not of the COTECH, the COPIL or a secretary."""
    if not actor.holds_any(READERS):
        raise NotPermitted(role_reason(READERS, actor, None))


def parse_filter(session: Session, raw: dict[str, Any]) -> CandidateFilter:
    """Read a filter from a query string, refusing unknown codes in French."""
    theme = (raw.get("theme") or "").strip() or None
    territory = (raw.get("territory") or "").strip() or None
    organisation = (raw.get("organisation") or raw.get("organisation_id") or "").strip() or None
    errors = {}
    if theme and _term(session, theme) is None:
        errors["theme"] = ["Choisissez une thématique dans la liste."]
    if territory and _territory(session, territory) is None:
        errors["territory"] = ["Territoire inconnu."]
    organisation_id = None
    if organisation:
        if (
            not organisation.isdigit()
            or len(organisation) > 9
            or session.get(Organisation, int(organisation)) is None
        ):
            errors["organisation"] = ["Structure inconnue."]
        else:
            organisation_id = int(organisation)
    if errors:
        raise InvalidInput(errors)
    return CandidateFilter(theme, territory, organisation_id)


def _term(session: Session, code: str) -> int | None:
    stmt = select(VocabularyTerm.id).where(
        VocabularyTerm.vocabulary == "theme", VocabularyTerm.code == code
    )
    return session.scalar(stmt)


def _territory(session: Session, cog: str) -> Territory | None:
    prefix, _, code = cog.partition("-")
    kind = {"COM": "commune", "EPCI": "epci", "DEP": "department"}.get(prefix)
    if kind is None or not code:
        return None
    return session.scalar(select(Territory).where(Territory.kind == kind, Territory.code == code))


def visible_candidates(session: Session, filters: CandidateFilter) -> Select:
    """The select of the candidates shown, best first: dismissed ones left out unless their
    score rose by `COMES_BACK` since."""
    c = PoolingCandidate
    hidden = select(CandidateDismissal.key).where(
        CandidateDismissal.key == c.key, c.score < CandidateDismissal.score + COMES_BACK
    )
    stmt = _narrowed(session, select(c), filters).where(~hidden.exists())
    # Both columns descending: the (score, id) index read backwards gives the order, no sort.
    return stmt.order_by(c.score.desc(), c.id.desc())


def _narrowed(session: Session, stmt: Select, filters: CandidateFilter) -> Select:
    """Keep the candidates with a member matching each filter: the members' ids are found
    first through their indexes (a theme's schemes, a territory's), then their candidates."""
    schemes = []
    if filters.theme:
        term = _term(session, filters.theme)
        schemes.append(
            select(scheme_theme.c.scheme_id).where(scheme_theme.c.vocabulary_term_id == term)
        )
    if filters.territory:
        places = _places_within(session, _territory(session, filters.territory))
        schemes.append(
            select(scheme_territory.c.scheme_id).where(scheme_territory.c.territory_id.in_(places))
        )
    if filters.organisation_id:
        schemes.append(select(Scheme.id).where(Scheme.organisation_id == filters.organisation_id))
    member = candidate_member.c
    for ids in schemes:
        having = select(member.candidate_id).where(member.scheme_id.in_(ids))
        stmt = stmt.where(PoolingCandidate.id.in_(having))
    return stmt


def count_visible(session: Session, filters: CandidateFilter) -> int:
    """How many candidates `visible_candidates` gives: all those matching, less the dismissed
    ones still hidden (two counts on indexes, rather than a test per candidate)."""
    c, d = PoolingCandidate, CandidateDismissal
    matching = _narrowed(session, select(func.count()).select_from(c), filters)
    hidden = _narrowed(
        session,
        select(func.count())
        .select_from(c)
        .join(d, d.key == c.key)
        .where(c.score < d.score + COMES_BACK),
        filters,
    )
    return (session.scalar(matching) or 0) - (session.scalar(hidden) or 0)


def _places_within(session: Session, place: Territory | None) -> list[int]:
    """The territory and those inside it (an EPCI's communes; everything for Martinique)."""
    if place is None:
        return []
    if place.kind == "department":
        return list(session.scalars(select(Territory.id)))
    stmt = select(Territory.id).where(or_(Territory.id == place.id, Territory.epci_id == place.id))
    return list(session.scalars(stmt))


def candidate_page(
    session: Session, actor: Actor, filters: CandidateFilter, page: int = 1, size: int = PAGE
) -> CandidatePage:
    """Return a page of the candidates the actor may read, best first, with their members."""
    ensure_reader(actor)
    stmt = visible_candidates(session, filters)
    total = count_visible(session, filters)
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    found = list(session.scalars(stmt.offset((page - 1) * size).limit(size)))
    members = _members(session, [c.id for c in found])
    rows = [
        CandidateView(c.id, c.key, c.size, c.score, c.reasons, members.get(c.id, [])) for c in found
    ]
    return CandidatePage(rows, total, page, pages)


def load_candidate(session: Session, actor: Actor, candidate_id: int) -> CandidateView | None:
    """Return one candidate with its members, or None when there is no such candidate."""
    ensure_reader(actor)
    found = session.get(PoolingCandidate, candidate_id)
    if found is None:
        return None
    members = _members(session, [found.id]).get(found.id, [])
    return CandidateView(found.id, found.key, found.size, found.score, found.reasons, members)


def _members(session: Session, ids: list[int]) -> dict[int, list[Member]]:
    if not ids:
        return {}
    stmt = (
        select(
            candidate_member.c.candidate_id,
            Scheme.id,
            Scheme.reference,
            Scheme.title,
            Scheme.state,
            Organisation.name,
            Scheme.annual_budget,
        )
        .join(Scheme, Scheme.id == candidate_member.c.scheme_id)
        .join(Organisation, and_(Organisation.id == Scheme.organisation_id))
        .where(candidate_member.c.candidate_id.in_(ids))
        .order_by(candidate_member.c.candidate_id, Scheme.reference)
    )
    out: dict[int, list[Member]] = {}
    for candidate_id, *fields in session.execute(stmt):
        out.setdefault(candidate_id, []).append(Member(*fields))
    return out


def filter_choices(session: Session, english: bool = False) -> dict[str, list[tuple[str, str]]]:
    """The filters' lists: themes, territories (Martinique, EPCI, communes), structures."""
    label = VocabularyTerm.label_en if english else VocabularyTerm.label_fr
    themes = session.execute(
        select(VocabularyTerm.code, label)
        .where(VocabularyTerm.vocabulary == "theme", VocabularyTerm.active.is_(True))
        .order_by(VocabularyTerm.position, VocabularyTerm.code)
    ).all()
    order = {"department": 0, "epci": 1, "commune": 2}
    places = sorted(
        session.scalars(select(Territory)), key=lambda t: (order[t.kind], t.short_name or t.name)
    )
    organisations = session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    ).all()
    return {
        "themes": [tuple(t) for t in themes],
        "territories": [(t.cog, t.short_name or t.name) for t in places],
        "organisations": [(str(i), n) for i, n in organisations],
    }

"""What the public may read of a scheme: its published projection, nothing internal.

A family needs what the scheme offers, for whom, where and how to reach it. The projection is a
list of named fields, so that nothing internal (history, comments, budget, funders' amounts,
decisions, who edited it) can reach a public page by accident: a template only sees these.
The domain has no "published budget" flag, so no amount is ever public.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from engine.french.text import fold
from engine.models import Organisation, Scheme, VocabularyTerm
from engine.rules.workflow import WorkflowRegistry
from engine.services.exports import OPEN_DATA_STATES

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 80


def published_states(workflows: WorkflowRegistry) -> tuple[str, ...]:
    """Return the states the public sees: the open data's (approved), if final in the workflow.

    A state that may still change (not final) is never published: were `approved` ever made
    non-final in the workflow file, the catalogue would show nothing rather than undecided
    schemes.
    """
    states = workflows.current("scheme").states
    return tuple(name for name in OPEN_DATA_STATES if name in states and states[name].final)


def published(workflows: WorkflowRegistry) -> Select:
    """Return the select of every published scheme."""
    return select(Scheme).where(Scheme.state.in_(published_states(workflows)))


def slug(title: str) -> str:
    """Return the words of a title for an address ("Médiateurs de nuit" → "mediateurs-de-nuit")."""
    return _NOT_SLUG.sub("-", fold(title))[:SLUG_LENGTH].strip("-") or "dispositif"


@dataclass(frozen=True)
class PublicCard:
    """A scheme in the catalogue's list."""

    id: int
    title: str
    summary: str | None
    organisation: str
    age_min: int | None
    age_max: int | None

    @property
    def slug(self) -> str:
        return slug(self.title)


@dataclass(frozen=True)
class PublicScheme:
    """A scheme's public page: what, for whom, where, how to apply, whom to contact."""

    id: int
    title: str
    summary: str | None
    description: str | None
    eligibility: str | None
    age_min: int | None
    age_max: int | None
    themes: tuple[str, ...]
    publics: tuple[str, ...]
    aid_types: tuple[str, ...]
    territories: tuple[str, ...]
    organisation: str
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    url: str | None
    start_date: date | None
    end_date: date | None
    updated_at: datetime

    @property
    def slug(self) -> str:
        return slug(self.title)


def cards(session: Session, ids: list[int]) -> list[PublicCard]:
    """Return the list cards of these schemes, in the order of `ids` (one statement)."""
    if not ids:
        return []
    stmt = (
        select(
            Scheme.id,
            Scheme.title,
            Scheme.summary,
            Organisation.name,
            Scheme.age_min,
            Scheme.age_max,
        )
        .join(Organisation, Organisation.id == Scheme.organisation_id)
        .where(Scheme.id.in_(ids))
    )
    found = {row[0]: PublicCard(*row) for row in session.execute(stmt)}
    return [found[i] for i in ids if i in found]


def public_scheme(
    session: Session, scheme_id: int, workflows: WorkflowRegistry, english: bool = False
) -> PublicScheme | None:
    """Return a published scheme's public projection, or None (unknown or not published)."""
    stmt = (
        published(workflows)
        .where(Scheme.id == scheme_id)
        .options(
            selectinload(Scheme.themes),
            selectinload(Scheme.publics),
            selectinload(Scheme.aid_types),
            selectinload(Scheme.territories),
        )
    )
    scheme = session.scalar(stmt)
    if scheme is None:
        return None

    def labels(terms: list[VocabularyTerm]) -> tuple[str, ...]:
        return tuple(t.label_en if english else t.label_fr for t in terms)

    return PublicScheme(
        id=scheme.id,
        title=scheme.title,
        summary=scheme.summary,
        description=scheme.description,
        eligibility=scheme.eligibility,
        age_min=scheme.age_min,
        age_max=scheme.age_max,
        themes=labels(scheme.themes),
        publics=labels(scheme.publics),
        aid_types=labels(scheme.aid_types),
        territories=tuple(t.name for t in scheme.territories),
        organisation=scheme.organisation.name,
        contact_name=scheme.contact_name,
        contact_email=scheme.contact_email,
        contact_phone=scheme.contact_phone,
        url=scheme.url,
        start_date=scheme.start_date,
        end_date=scheme.end_date,
        updated_at=scheme.updated_at,
    )

"""The public catalogue: the approved schemes only, searched and filtered as families need.

The search, the territory rule and the vocabulary filters are the inventory's
(`engine.queries.inventory.narrowed`); this module only fixes who may be seen (the states the
open-data file publishes, final in the scheme workflow) and adds the age filter.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, BinaryIO

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.exporting import open_data
from engine.exporting.source import Inventory
from engine.french.messages import french_errors
from engine.models import AuditEvent, Scheme, Territory, VocabularyTerm
from engine.queries.inventory import InventoryFilter, Page, keyset_page, narrowed
from engine.queries.public_scheme import cards, published
from engine.rules.policy import SYSTEM
from engine.rules.workflow import WorkflowRegistry

# The catalogue lists by title: what a family scans for.
SORT = "title"


@dataclass(frozen=True)
class CatalogueFilter:
    """What a visitor narrows the catalogue to: words, a commune, a public, a theme, an age."""

    q: str | None = None
    commune: str | None = None  # INSEE code: 97209
    public: str | None = None
    theme: str | None = None
    age: int | None = None

    def inventory_filter(self) -> InventoryFilter:
        """The same narrowing, as the inventory's filter (a commune as its COG code)."""
        return InventoryFilter(
            q=self.q,
            territory=f"COM-{self.commune}" if self.commune else None,
            publics=(self.public,) if self.public else (),
            themes=(self.theme,) if self.theme else (),
        )


class CatalogueFilterFields(Schema):
    """Reads a filter from a query string; other parameters (pages) are left to the caller."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default=None, validate=validate.Length(max=200))
    commune = fields.String(load_default=None, validate=validate.Regexp(r"^\d[\dAB]\d{3}$"))
    public = fields.String(load_default=None, validate=validate.Length(max=60))
    theme = fields.String(load_default=None, validate=validate.Length(max=60))
    age = fields.Integer(load_default=None, validate=validate.Range(min=0, max=120))

    @pre_load
    def _blank_is_absent(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        out = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return {k: v for k, v in out.items() if v not in ("", None)}


def parse_catalogue_filter(session: Session, raw: dict[str, Any]) -> CatalogueFilter:
    """Build a filter from a query string, refusing unknown communes and codes in French."""
    try:
        data = CatalogueFilterFields().load(raw)
    except ValidationError as exc:
        raise InvalidInput(french_errors(exc.normalized_messages())) from exc
    errors = {}
    if data["commune"] and not _is_commune(session, data["commune"]):
        errors["commune"] = ["Commune inconnue."]
    for name, vocabulary in (("public", "public"), ("theme", "theme")):
        if data[name] and not _is_term(session, vocabulary, data[name]):
            errors[name] = ["Choisissez dans la liste."]
    if errors:
        raise InvalidInput(errors)
    return CatalogueFilter(**data)


def _is_commune(session: Session, code: str) -> bool:
    stmt = select(Territory.id).where(Territory.kind == "commune", Territory.code == code)
    return session.scalar(stmt) is not None


def _is_term(session: Session, vocabulary: str, code: str) -> bool:
    stmt = select(VocabularyTerm.id).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code
    )
    return session.scalar(stmt) is not None


def catalogue_query(
    session: Session, filters: CatalogueFilter, workflows: WorkflowRegistry
) -> Select:
    """Return the select of the published schemes matching `filters`."""
    stmt = narrowed(session, published(workflows), filters.inventory_filter())
    if filters.age is not None:
        # A scheme without a bound on one side takes every age on that side.
        stmt = stmt.where(
            or_(Scheme.age_min.is_(None), Scheme.age_min <= filters.age),
            or_(Scheme.age_max.is_(None), Scheme.age_max >= filters.age),
        )
    return stmt


def catalogue_page(
    session: Session,
    filters: CatalogueFilter,
    workflows: WorkflowRegistry,
    *,
    size: int = 20,
    after: int | None = None,
    before: int | None = None,
) -> Page:
    """Return a page of the published schemes matching `filters`, by title, as public cards."""
    page = keyset_page(
        session,
        catalogue_query(session, filters, workflows),
        SORT,
        size,
        after=after,
        before=before,
    )
    rows = cards(session, [row.id for row in page.rows])
    return Page(rows, page.total, page.capped, page.next_after, page.previous_before)


def catalogue_version(session: Session) -> int:
    """Return a number that changes whenever anything the catalogue shows may have changed.

    Every change of data appends an audit event: the last event's position is that number, read
    from its unique index (a scheme leaving the approved state bumps it too, which the last
    change of the approved schemes alone would miss).
    """
    return session.scalar(select(func.max(AuditEvent.position))) or 0


def last_change(session: Session) -> datetime | None:
    """Return the instant any scheme last changed (the open-data file's Last-Modified)."""
    return session.scalar(select(func.max(Scheme.updated_at)))


def published_entries(
    session: Session, workflows: WorkflowRegistry, offset: int, limit: int
) -> list[tuple[int, str, datetime]]:
    """Return (id, title, last change) of published schemes by id, for a sitemap."""
    stmt = (
        published(workflows)
        .with_only_columns(Scheme.id, Scheme.title, Scheme.updated_at)
        .order_by(Scheme.id)
        .offset(offset)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(stmt)]


def published_count(session: Session, workflows: WorkflowRegistry) -> int:
    """Return how many schemes the catalogue publishes."""
    stmt = published(workflows).with_only_columns(func.count(Scheme.id)).order_by(None)
    return session.scalar(stmt) or 0


@dataclass
class PublishedInventory(Inventory):
    """The export's source over the published schemes: no actor, no audit of the download."""

    @cached_property
    def query(self) -> Select:
        return published(self.workflows).order_by(Scheme.id)


def write_open_data(session: Session, workflows: WorkflowRegistry, out: BinaryIO) -> int:
    """Write the published schemes as the dispositif-aide CSV file; return how many."""
    inventory = PublishedInventory(session, SYSTEM, InventoryFilter(), workflows)
    return open_data.write(inventory, out)


@dataclass(frozen=True)
class CatalogueChoices:
    """What the search form offers, as (value, label): communes, publics, themes."""

    communes: list[tuple[str, str]]
    publics: list[tuple[str, str]]
    themes: list[tuple[str, str]]


def catalogue_choices(session: Session, english: bool = False) -> CatalogueChoices:
    """Read the communes by name and the active publics and themes in their order."""
    communes = session.execute(
        select(Territory.code, Territory.name)
        .where(Territory.kind == "commune")
        .order_by(Territory.name)
    ).all()
    label = VocabularyTerm.label_en if english else VocabularyTerm.label_fr
    terms: dict[str, list[tuple[str, str]]] = {"public": [], "theme": []}
    for vocabulary, code, text in session.execute(
        select(VocabularyTerm.vocabulary, VocabularyTerm.code, label)
        .where(VocabularyTerm.vocabulary.in_(terms), VocabularyTerm.active.is_(True))
        .order_by(VocabularyTerm.position, VocabularyTerm.code)
    ):
        terms[vocabulary].append((code, text))
    return CatalogueChoices([tuple(c) for c in communes], terms["public"], terms["theme"])

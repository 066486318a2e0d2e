"""The inventory's filters, one definition for the list page, the API and the exports."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import (
    Select,
    and_,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.french.messages import french_errors
from engine.french.text import fold
from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.models.scheme import scheme_aid_type, scheme_public, scheme_territory, scheme_theme
from engine.records.values import VOCABULARY_FIELDS, territory_by_cog
from engine.rules.policy import Actor
from engine.rules.workflow import WorkflowRegistry, default_registry

LINKS = {"themes": scheme_theme, "publics": scheme_public, "aid_types": scheme_aid_type}


@dataclass(frozen=True)
class InventoryFilter:
    """What a user narrows the inventory to; empty means everything they may see.

    Values of one facet are alternatives (theme A or B), facets combine (theme and public).
    """

    states: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    aid_types: tuple[str, ...] = ()
    territory: str | None = None
    organisation_id: int | None = None
    q: str | None = None
    updated_since: datetime | None = None
    ids: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The filter as the audit log records it: only what was set."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value not in (None, (), ""):
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


def _codes() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=())


class InventoryFilterFields(Schema):
    """Reads a filter from text (query strings, command-line options): lists may be "a,b"."""

    class Meta:
        unknown = RAISE

    states = _codes()
    themes = _codes()
    publics = _codes()
    aid_types = _codes()
    territory = fields.String(load_default=None, validate=validate.Length(max=20))
    organisation_id = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=2**31 - 1)
    )
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    updated_since = fields.AwareDateTime(load_default=None, default_timezone=None)
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), load_default=()
    )

    @pre_load
    def _split_lists(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name in ("states", "themes", "publics", "aid_types", "ids"):
            value = out.get(name)
            if isinstance(value, str):
                out[name] = [part.strip() for part in value.split(",") if part.strip()]
        out = {k: v.strip() if isinstance(v, str) else v for k, v in out.items()}
        return {k: v for k, v in out.items() if v not in ("", None)}


def parse_filter(
    session: Session, raw: dict[str, Any], workflows: WorkflowRegistry | None = None
) -> InventoryFilter:
    """Build a filter from text, refusing unknown states, codes and territories in French."""
    try:
        data = InventoryFilterFields().load(raw)
    except ValidationError as exc:
        raise InvalidInput(french_errors(exc.normalized_messages())) from exc
    errors = _unknown_values(session, data, workflows or default_registry())
    if errors:
        raise InvalidInput(errors)
    return InventoryFilter(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def _unknown_values(session: Session, data: dict, workflows: WorkflowRegistry) -> dict:
    errors = {}
    known_states = set(workflows.current("scheme").states)
    unknown = [s for s in data["states"] if s not in known_states]
    if unknown:
        errors["states"] = ["État(s) inconnu(s) : " + ", ".join(unknown) + "."]
    for name, vocabulary in VOCABULARY_FIELDS.items():
        wanted = set(data[name])
        if wanted:
            known = set(
                session.scalars(
                    select(VocabularyTerm.code).where(
                        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code.in_(wanted)
                    )
                )
            )
            if wanted - known:
                errors[name] = ["Code(s) inconnu(s) : " + ", ".join(sorted(wanted - known)) + "."]
    territory = data["territory"]
    if territory and not territory_by_cog(session, [territory]):
        errors["territory"] = [
            f"Territoire inconnu : {territory} (ex. COM-97209, EPCI-249720061, DEP-972)."
        ]
    return errors


def scheme_query(
    session: Session,
    filters: InventoryFilter,
    actor: Actor,
    workflows: WorkflowRegistry | None = None,
) -> Select:
    """Return the select of the schemes `actor` may see that match `filters`, oldest first."""
    stmt = select(Scheme).where(visible_to(actor, workflows or default_registry()))
    return narrowed(session, stmt, filters)


def narrowed(session: Session, stmt: Select, filters: InventoryFilter) -> Select:
    """Return `stmt` (a select of schemes) narrowed to `filters`, oldest first."""
    if filters.states:
        stmt = stmt.where(Scheme.state.in_(filters.states))
    for name, link in LINKS.items():
        codes = getattr(filters, name)
        if codes:
            stmt = stmt.where(
                Scheme.id.in_(
                    select(link.c.scheme_id)
                    .join(VocabularyTerm, VocabularyTerm.id == link.c.vocabulary_term_id)
                    .where(VocabularyTerm.code.in_(codes))
                )
            )
    if filters.territory:
        stmt = stmt.where(Scheme.id.in_(_covering(session, filters.territory)))
    if filters.organisation_id is not None:
        stmt = stmt.where(Scheme.organisation_id == filters.organisation_id)
    if filters.q:
        stmt = stmt.where(*_text_terms(session, filters.q))
    if filters.updated_since is not None:
        stmt = stmt.where(Scheme.updated_at >= filters.updated_since)
    if filters.ids:
        stmt = stmt.where(Scheme.id.in_(filters.ids))
    return stmt.order_by(Scheme.id)


def visible_to(actor: Actor, workflows: WorkflowRegistry | None = None):
    """SQL condition: the record's state is visible to the actor (drafts: own organisation)."""
    if not actor.active:
        return false()
    conditions = []
    for workflow in (wf for wf in workflows or default_registry() if wf.name == "scheme"):
        for state in workflow.states.values():
            if state.visible_to is None:
                continue
            allowed = [_holds(actor, role) for role in state.visible_to]
            conditions.append(or_(Scheme.state != state.name, *allowed))
    return and_(true(), *conditions)


def _holds(actor: Actor, role: str):
    """SQL: as Actor.holds, for each capacity (own roles, then each delegation's)."""
    held = [c for c in actor.capacities() if role in c.roles]
    if not held:
        return false()
    if role == "owner":
        return or_(*(Scheme.organisation_id == c.organisation_id for c in held))
    return true()


def _covering(session: Session, cog: str):
    """Scheme ids available in a territory: covering it, what contains it, or what it contains."""
    territory = territory_by_cog(session, [cog])[cog]
    ids = {territory.id}
    department = session.scalar(select(Territory.id).where(Territory.kind == "department"))
    if territory.kind == "commune":
        ids |= {territory.epci_id, department}
    elif territory.kind == "epci":
        ids |= set(session.scalars(select(Territory.id).where(Territory.epci_id == territory.id)))
        ids.add(department)
    return select(scheme_territory.c.scheme_id).where(
        scheme_territory.c.territory_id.in_(ids - {None})
    )


# SQLite's FTS5 table over scheme.search_text (trigram tokenizer), created by migration 0006.
_FTS = table("scheme_fts", column("rowid"))
# Trigram indexes serve words of three letters or more; shorter ones are matched by LIKE.
_TRIGRAM = 3


def _text_terms(session: Session, q: str) -> list:
    """Each word must appear in the scheme's text or its organisation's name (folded).

    A word matches anywhere, even inside a longer word ("ussit" finds "réussite"): the trigram
    indexes (FTS5 on SQLite, pg_trgm on PostgreSQL) answer it without reading every row.
    """
    terms = []
    for word in fold(q).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # The few organisations whose name matches are read first: the condition is then plain
        # row tests the planner can serve from the text index (a count) or check while walking
        # the sort's index (a page) — an `id IN (… UNION …)` had to be built whole.
        organisations = list(
            session.scalars(
                select(Organisation.id).where(Organisation.search_text.like(pattern, escape="\\"))
            )
        )
        own = _own_text(session, word, pattern)
        terms.append(or_(own, Scheme.organisation_id.in_(organisations)) if organisations else own)
    return terms


def _own_text(session: Session, word: str, pattern: str):
    if session.get_bind().dialect.name != "sqlite" or len(word) < _TRIGRAM:
        return Scheme.search_text.like(pattern, escape="\\")
    phrase = '"' + word.replace('"', '""') + '"'
    matches = select(_FTS.c.rowid).where(literal_column("scheme_fts").op("MATCH")(phrase))
    if _common(session, matches):
        # SQLite would read every match by rowid, then sort them: for a common word, walking
        # the sort's index and checking each row against the matches (`id + 0` keeps the
        # planner off the rowid lookups) is four times faster at 100,000 schemes.
        return (Scheme.id + 0).in_(matches)
    return Scheme.id.in_(matches)


# Beyond this many matches a word is common: cheaper to check row by row than to look up.
_COMMON = 2_000


def _common(session: Session, matches: Select) -> bool:
    found = session.scalar(select(func.count()).select_from(matches.limit(_COMMON + 1).subquery()))
    return (found or 0) > _COMMON


@dataclass(frozen=True)
class Sort:
    """A sort order of the list: its columns (the last one unique) and their direction."""

    label: str
    columns: tuple
    descending: bool = False


SORTS = {
    "recent": Sort("Dernière modification", (Scheme.updated_at, Scheme.id), descending=True),
    "title": Sort("Intitulé", (Scheme.title, Scheme.id)),
    "reference": Sort("Référence", (Scheme.reference,)),
    "state": Sort("État", (Scheme.state, Scheme.updated_at, Scheme.id)),
}
DEFAULT_SORT = "recent"
# Beyond this many matches the list says "plus de 10 000" instead of counting every row.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list: its rows and the ids to continue from."""

    rows: list
    total: int
    capped: bool
    next_after: int | None
    previous_before: int | None


def keyset_page(
    session: Session,
    stmt: Select,
    sort: str = DEFAULT_SORT,
    size: int = 50,
    *,
    after: int | None = None,
    before: int | None = None,
) -> Page:
    """Return the page of `stmt` (from scheme_query) following scheme `after` (or preceding
    `before`) in `sort`, its rows reading what list_rows reads.

    The cursor is a scheme id: its sort key is read, then the page is the next rows in index
    order — no OFFSET, so a deep page costs what the first one does.
    """
    order = SORTS[sort]
    backwards = before is not None
    cursor = _cursor_key(session, order, before if backwards else after)
    page_stmt = list_rows(stmt).order_by(None)
    if cursor is not None:
        keys, bound = tuple_(*order.columns), tuple_(*cursor)
        page_stmt = page_stmt.where(keys > bound if order.descending == backwards else keys < bound)
    ascending = order.descending == backwards
    page_stmt = page_stmt.order_by(*(c.asc() if ascending else c.desc() for c in order.columns))
    rows = list(session.execute(page_stmt.limit(size + 1)).all())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    total, capped = count_capped(session, stmt)
    first, last = (rows[0].id, rows[-1].id) if rows else (None, None)
    has_next = more if not backwards else cursor is not None
    has_previous = more if backwards else cursor is not None
    return Page(rows, total, capped, last if has_next else None, first if has_previous else None)


def _cursor_key(session: Session, order: Sort, scheme_id: int | None) -> tuple | None:
    if scheme_id is None:
        return None
    row = session.execute(select(*order.columns).where(Scheme.id == scheme_id)).first()
    return tuple(row) if row is not None else None


def count_capped(session: Session, stmt: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count the rows of `stmt`, stopping past `cap`: (count, whether it was capped)."""
    # Scheme ids only, without the list's join: PostgreSQL then counts from an index alone.
    limited = stmt.order_by(None).with_only_columns(Scheme.id).limit(cap + 1).subquery()
    count = session.scalar(select(func.count()).select_from(limited)) or 0
    return min(count, cap), count > cap


# What a row of the list shows; `id` first, the keyset cursor.
ROW_COLUMNS = (
    Scheme.id,
    Scheme.reference,
    Scheme.title,
    Scheme.state,
    Scheme.updated_at,
    Scheme.workflow_version,
    Organisation.name.label("organisation"),
)


def list_rows(stmt: Select) -> Select:
    """Return `stmt` (from scheme_query) reading only what a list row shows."""
    return stmt.with_only_columns(*ROW_COLUMNS).join(
        Organisation, Organisation.id == Scheme.organisation_id
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the list's filter form offers: terms per vocabulary, territories, organisations."""

    terms: dict[str, list[VocabularyTerm]]
    territories: list[Territory]
    organisations: list[tuple[int, str]]


def filter_choices(session: Session) -> FilterChoices:
    """Read what the filter form offers: active terms, territories, organisations."""
    terms: dict[str, list[VocabularyTerm]] = {name: [] for name in VOCABULARY_FIELDS}
    by_vocabulary = {v: k for k, v in VOCABULARY_FIELDS.items()}
    for term in session.scalars(
        select(VocabularyTerm)
        .where(VocabularyTerm.active.is_(true()))
        .order_by(VocabularyTerm.position, VocabularyTerm.label_fr)
    ):
        terms[by_vocabulary[term.vocabulary]].append(term)
    territories = list(session.scalars(select(Territory).order_by(Territory.name)))
    organisations = session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.search_text)
    ).all()
    return FilterChoices(terms, territories, [tuple(o) for o in organisations])

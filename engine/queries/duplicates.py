"""Possible duplicates of a scheme being typed: close titles, same organisation, shared ground."""

import difflib
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.french.text import fold
from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.models.scheme import scheme_territory, scheme_theme
from engine.models.territory import COG_PREFIX
from engine.queries.inventory import visible_to
from engine.rules.policy import Actor
from engine.rules.workflow import WorkflowRegistry

# Words that say nothing about what a scheme does.
STOP_WORDS = frozenset(
    {"dans", "pour", "avec", "sans", "sous", "vers", "chez", "entre", "leurs", "autour"}
    | {"dispositif", "dispositifs", "programme", "projet", "action", "actions", "aide", "aides"}
)
CANDIDATES = 300  # rows read at most: the text filter keeps the list short anyway
CLOSE = 0.6  # difflib ratio of two folded titles above which they read alike
VERY_CLOSE = 0.85
DEPARTMENT = "DEP-972"


@dataclass(frozen=True)
class Similar:
    """A visible scheme that may be the one being typed, and why it looks like it."""

    id: int
    reference: str
    title: str
    state: str
    organisation: str
    score: float
    reasons: tuple[str, ...]


def significant_words(text: str | None) -> set[str]:
    """Return the folded words of a title that tell schemes apart (4 letters or more)."""
    words = fold(text).replace("'", " ").replace("-", " ").split()
    return {w.strip('.,;:!?()«»"') for w in words if len(w) >= 4} - STOP_WORDS - {""}


def similar_schemes(
    session: Session,
    actor: Actor,
    title: str,
    organisation_id: int | None = None,
    themes: list[str] | tuple[str, ...] = (),
    territories: list[str] | tuple[str, ...] = (),
    exclude_id: int | None = None,
    *,
    limit: int = 5,
    workflows: WorkflowRegistry | None = None,
) -> list[Similar]:
    """Return the visible schemes whose title is close to `title`, closest first."""
    words = significant_words(title)
    if not words:
        return []
    rows = _candidates(session, actor, words, exclude_id, workflows)
    folded = fold(title)
    close = {}
    for row in rows:
        ratio = difflib.SequenceMatcher(None, folded, fold(row.title)).ratio()
        shared = words & significant_words(row.title)
        if ratio >= CLOSE or len(shared) >= min(2, len(words)):
            close[row.id] = (row, ratio, shared)
    ground = _shared_ground(session, list(close), themes, territories)
    known = bool(themes or territories)
    found = [
        _similar(row, ratio, shared, organisation_id, ground.get(row.id, ()), known)
        for row, ratio, shared in close.values()
    ]
    found = [s for s in found if s is not None]
    found.sort(key=lambda s: (-s.score, s.reference))
    return found[:limit]


def _candidates(session, actor, words, exclude_id, workflows) -> list:
    """Visible schemes sharing at least one significant word of the title (folded text)."""
    likes = [Scheme.search_text.like(f"%{_escape(w)}%", escape="\\") for w in words]
    stmt = (
        select(Scheme.id, Scheme.reference, Scheme.title, Scheme.state, Scheme.organisation_id)
        .add_columns(Organisation.name.label("organisation"))
        .join(Organisation, Organisation.id == Scheme.organisation_id)
        .where(visible_to(actor, workflows), or_(*likes))
        .order_by(Scheme.id.desc())
        .limit(CANDIDATES)
    )
    if exclude_id is not None:
        stmt = stmt.where(Scheme.id != exclude_id)
    return list(session.execute(stmt))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _shared_ground(session, ids, themes, territories) -> dict[int, tuple[str, ...]]:
    """For each candidate, whether it shares themes or territories with the typed ones."""
    if not ids or not (themes or territories):
        return {}
    out: dict[int, list[str]] = {}
    if themes:
        theme_rows = session.execute(
            select(scheme_theme.c.scheme_id)
            .join(VocabularyTerm, VocabularyTerm.id == scheme_theme.c.vocabulary_term_id)
            .where(scheme_theme.c.scheme_id.in_(ids), VocabularyTerm.code.in_(list(themes)))
            .distinct()
        )
        for (scheme_id,) in theme_rows:
            out.setdefault(scheme_id, []).append("thématiques communes")
    if territories:
        for scheme_id in _sharing_territory(session, ids, set(territories)):
            out.setdefault(scheme_id, []).append("territoires communs")
    return {k: tuple(v) for k, v in out.items()}


def _sharing_territory(session, ids, wanted: set[str]) -> set[int]:
    rows = session.execute(
        select(scheme_territory.c.scheme_id, Territory.kind, Territory.code)
        .join(Territory, Territory.id == scheme_territory.c.territory_id)
        .where(scheme_territory.c.scheme_id.in_(ids))
    )
    sharing = set()
    for scheme_id, kind, code in rows:
        cog = f"{COG_PREFIX[kind]}-{code}"
        # All of Martinique overlaps any territory.
        if cog in wanted or cog == DEPARTMENT or DEPARTMENT in wanted:
            sharing.add(scheme_id)
    return sharing


def _similar(row, ratio, shared, organisation_id, ground, known) -> Similar | None:
    same_organisation = organisation_id is not None and row.organisation_id == organisation_id
    # Another organisation's scheme with merely a close title is noise once themes or
    # territories are known: it must share some ground, unless the titles are near identical.
    if known and not (same_organisation or ground or ratio >= VERY_CLOSE):
        return None
    reasons = ["intitulé proche"]
    if same_organisation:
        reasons.append("même structure")
    reasons.extend(ground)
    score = ratio + 0.1 * len(shared) + 0.2 * same_organisation + 0.1 * len(ground)
    return Similar(
        row.id,
        row.reference,
        row.title,
        row.state,
        row.organisation,
        round(score, 3),
        tuple(reasons),
    )

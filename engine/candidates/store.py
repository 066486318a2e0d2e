"""The stored candidates: recomputed in full, or for the schemes that changed only.

`recompute_all` scores every pair and replaces the table; `recompute_schemes` deletes the
candidates of the changed schemes and scores their rows against all the others (one row of
the sparse products each), then rebuilds the groups from the stored pairs. Either runs in the
caller's write transaction. `recompute` (the command line) and `produce_candidates` (the
worker's producer) tail the audit log with their own cursor ("candidates"), score outside the
write transaction, and store the schemes' new candidates with the cursor's advance.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from engine.candidates.features import Facts, load_facts
from engine.candidates.groups import STRONG, cliques
from engine.candidates.reasons import group_reasons, pair_reasons
from engine.candidates.scoring import Scored, score_all, score_rows
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, OutboxCursor, PoolingCandidate
from engine.models.candidate import candidate_member
from engine.models.pooling import pooling_member

CURSOR = "candidates"
# A dismissed candidate comes back when its score rose by this much since: one of its members
# changed markedly (a new shared public, a territory, a rewritten description), not a typo.
COMES_BACK = 0.10

_candidates = PoolingCandidate.__table__
_events = AuditEvent.__table__
_cursor = OutboxCursor.__table__
_POSITION = select(_cursor.c.position).where(_cursor.c.name == CURSOR)


@dataclass(frozen=True)
class Recomputed:
    schemes: int
    pairs: int
    groups: int


def key_of(ids: Iterable[int]) -> str:
    """The candidate's key: its members' ids, sorted, joined by "-"."""
    return "-".join(str(i) for i in sorted(ids))


def recompute_all(conn: Connection, now: datetime) -> Recomputed:
    """Score every poolable scheme and replace the stored candidates."""
    facts = load_facts(conn)
    return replace(conn, facts, pair_rows(facts, score_all(facts), now), None, now)


def recompute_schemes(conn: Connection, now: datetime, scheme_ids: Iterable[int]) -> Recomputed:
    """Score again the pairs of `scheme_ids` only (a scheme no longer poolable loses its)."""
    ids = sorted(set(scheme_ids))
    facts = load_facts(conn)
    return replace(conn, facts, pair_rows(facts, _scored(facts, ids), now), ids, now)


def _scored(facts: Facts, ids: list[int]) -> Scored | None:
    index = facts.index()
    rows = [index[i] for i in ids if i in index]
    return score_rows(facts, rows) if rows else None


def replace(
    conn: Connection, facts: Facts, rows: list[dict], ids: list[int] | None, now: datetime
) -> Recomputed:
    """Replace the candidates of `ids` (all of them when None) by `rows`, then the groups."""
    scored = len(facts.schemes) if ids is None else len(set(ids) & set(facts.index()))
    if ids is None:
        conn.execute(delete(_candidates))
    else:
        mine = select(candidate_member.c.candidate_id).where(candidate_member.c.scheme_id.in_(ids))
        gone = conn.execute(delete(_candidates).where(_candidates.c.id.in_(mine))).rowcount
        if not gone and not rows:
            return Recomputed(scored, 0, 0)  # drafts edited, sign-ins: no group can change
    _insert(conn, rows)
    groups = _regroup(conn, facts, now)
    return Recomputed(scored, len(rows), groups)


def pair_rows(facts: Facts, scored: Scored | None, now: datetime) -> list[dict]:
    """The rows of the scored pairs, with their reasons."""
    if scored is None:
        return []
    schemes = facts.schemes
    rows = []
    for n, (a, b) in enumerate(zip(scored.a.tolist(), scored.b.tolist(), strict=True)):
        first, second = schemes[a], schemes[b]
        reasons = pair_reasons(facts, first, second, float(scored.parts["text"][n]))
        rows.append(_row([first.id, second.id], float(scored.score[n]), reasons, now))
    return rows


def _row(ids: list[int], score: float, reasons: list, now: datetime) -> dict:
    score = min(1.0, max(0.0, round(score, 4)))
    return {
        "key": key_of(ids),
        "size": len(ids),
        "score": score,
        "reasons": reasons,
        "computed_at": now,
    }


def _insert(conn: Connection, rows: list[dict]) -> None:
    if not rows:
        return
    stmt = insert(_candidates).returning(_candidates.c.id, _candidates.c.key)
    members = []
    for id_, key in conn.execute(stmt, rows):
        members.extend({"candidate_id": id_, "scheme_id": int(s)} for s in key.split("-"))
    conn.execute(insert(candidate_member), members)


def _regroup(conn: Connection, facts: Facts, now: datetime) -> int:
    """Replace the groups by the maximal cliques of the stored pairs."""
    conn.execute(delete(_candidates).where(_candidates.c.size > 2))
    pairs, texts = {}, {}
    # Only strong pairs make groups: the weaker ones are not read (nor their JSON decoded).
    stmt = select(_candidates.c.key, _candidates.c.score, _candidates.c.reasons).where(
        _candidates.c.size == 2, _candidates.c.score >= STRONG
    )
    for key, score, reasons in conn.execute(stmt):
        a, b = (int(s) for s in key.split("-"))
        pairs[(a, b)] = score
        texts[(a, b)] = next((r["percent"] / 100 for r in reasons if r["kind"] == "text"), 0.0)
    by_id = {s.id: s for s in facts.schemes}
    rows = []
    for ids, score in cliques(pairs):
        text = min(texts[(a, b)] for i, a in enumerate(ids) for b in ids[i + 1 :])
        reasons = group_reasons(facts, [by_id[i] for i in ids], text)
        rows.append(_row(list(ids), score, reasons, now))
    _insert(conn, rows)
    return len(rows)


def produce_candidates(db: Database, clock: Callable[[], datetime]) -> int:
    """The worker's producer: recompute the candidates of the schemes changed since the cursor
    (everything the first time), advance the cursor, in one transaction; return how many
    schemes were scored again."""
    done = recompute(db, clock)
    return done.schemes if done else 0


def recompute(
    db: Database, clock: Callable[[], datetime], *, everything: bool = False
) -> Recomputed | None:
    """Recompute the changed schemes' candidates (all of them when `everything` or the first
    time) and move the cursor to the log's head; None when nothing changed.

    The reading and the scoring happen before the write transaction (SQLite has one write
    lock for the whole database: the requests meanwhile wait only for the writes). A change
    committed in between lies past the head read first: the next pass scores it."""
    with UnitOfWork(db, clock=clock, autocommit_reads=True) as uow:
        conn = uow.connection
        after = conn.execute(_POSITION).scalar()
        head = conn.execute(select(func.max(_events.c.position))).scalar() or 0
        full = after is None or everything
        if not full and head <= after:
            return None
        ids = None if full else sorted(changed_schemes(conn, after, head))
        facts = load_facts(conn)
        now = clock()
        rows = pair_rows(facts, score_all(facts) if full else _scored(facts, ids), now)
    with UnitOfWork(db, clock=clock) as uow:
        conn = uow.begin_write()
        locked = conn.execute(_POSITION.with_for_update() if db.is_postgresql else _POSITION)
        if locked.scalar() != after:
            return None  # another worker recomputed meanwhile: the next pass goes on from it
        done = replace(conn, facts, rows, ids, now)
        if after is None:
            conn.execute(insert(_cursor).values(name=CURSOR, position=head))
        else:
            conn.execute(update(_cursor).where(_cursor.c.name == CURSOR).values(position=head))
        uow.commit()
    return done


def changed_schemes(conn: Connection, after: int, head: int) -> set[int]:
    """The schemes whose events lie in (after, head]: their own, and their poolings' members
    (a pooling that joins them makes them no longer a new idea)."""
    window = (_events.c.position > after, _events.c.position <= head)
    schemes = select(_events.c.record_id).where(*window, _events.c.record_type == "scheme")
    poolings = select(_events.c.record_id).where(*window, _events.c.record_type == "pooling")
    ids = {i for (i,) in conn.execute(schemes.distinct()) if i is not None}
    members = select(pooling_member.c.scheme_id).where(pooling_member.c.pooling_id.in_(poolings))
    return ids | {i for (i,) in conn.execute(members)}

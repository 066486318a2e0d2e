"""Digests: one message a day or a week carrying what was held for a user who prefers it.

A user whose `notification_frequency` is daily or weekly has their notifications written `held`
(engine/notifications/dispatch.py). At 07:00 Martinique time — every day, or on Mondays — the
first worker pass writes ONE `digest` message listing what was held before that instant, and
marks those `digested` with its `digest_id`, in one transaction. The key
`digest:<user id>:<day of the period's start>` makes it once per period, whichever worker and
however many passes: a message held after 07:00 waits for the next period's digest.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from jinja2 import TemplateError
from sqlalchemy import Connection, or_, select, update

from engine.clock import local
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models.notification import OutboxMessage
from engine.models.user import User
from engine.notifications.outbox import Message, enqueue
from engine.notifications.recipients import DEFAULT_LOCALE, LOCALES
from engine.notifications.rendering import render

# The hour (Martinique time) digests go out, and the weekday of weekly ones (Monday).
DIGEST_HOUR = 7
WEEKLY_DAY = 0
SUBJECT_PREFIX = "[Maillage] "

_outbox = OutboxMessage.__table__
_user = User.__table__


def period_start(frequency: str, now: datetime) -> datetime:
    """Return the start of the digest period `now` is in: the last 07:00 (Martinique) for a
    daily digest, the last Monday 07:00 for a weekly one."""
    there = local(now)
    start = there.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if there < start:
        start -= timedelta(days=1)
    if frequency == "weekly":
        start -= timedelta(days=(start.weekday() - WEEKLY_DAY) % 7)
    return start


def produce_digests(db: Database, clock: Callable[[], datetime]) -> int:
    """Write the digests due now and mark what they carry, in one transaction; return how
    many digests were written."""
    now = clock()
    # Most passes have nothing to do: they find it out without SQLite's write lock.
    with UnitOfWork(db, clock=clock, autocommit_reads=True) as uow:
        conn = uow.connection
        if conn.execute(_held(now).limit(1)).first() is None and not _stray(conn):
            return 0
    with UnitOfWork(db, clock=clock) as uow:
        conn = uow.begin_write()
        _release_immediate(conn, now)
        written = 0
        rows = conn.execute(_held(now)).all()
        for _user_id, mine in groupby(rows, key=lambda row: row.recipient_id):
            written += _digest(conn, list(mine), now)
        uow.commit()
    return written


def _immediate():
    return select(_user.c.id).where(_user.c.notification_frequency == "immediate")


def _stray(conn: Connection) -> bool:
    """Whether a message is held for someone who now wants each one at once."""
    query = select(_outbox.c.id).where(
        _outbox.c.status == "held", _outbox.c.recipient_id.in_(_immediate())
    )
    return conn.execute(query.limit(1)).first() is not None


def _release_immediate(conn: Connection, now: datetime) -> None:
    """A message held for someone who now wants each one at once is sent at once: the
    preference changed between the dispatch reading it and the message being written."""
    conn.execute(
        update(_outbox)
        .where(_outbox.c.status == "held", _outbox.c.recipient_id.in_(_immediate()))
        .values(status="pending", next_attempt_at=now)
    )


def _held(now: datetime):
    """The held messages due in a digest now: of active daily or weekly users, written before
    the start of their current period; by recipient, then age."""
    frequency = _user.c.notification_frequency
    return (
        select(
            _outbox.c.id,
            _outbox.c.recipient_id,
            _outbox.c.template,
            _outbox.c.context,
            _outbox.c.created_at,
            _user.c.email,
            _user.c.locale,
            frequency.label("frequency"),
        )
        .join(_user, _user.c.id == _outbox.c.recipient_id)
        .where(
            _outbox.c.status == "held",
            _user.c.active.is_(True),
            or_(
                (frequency == "daily") & (_outbox.c.created_at < period_start("daily", now)),
                (frequency == "weekly") & (_outbox.c.created_at < period_start("weekly", now)),
            ),
        )
        .order_by(_outbox.c.recipient_id, _outbox.c.id)
    )


def _digest(conn: Connection, rows: list, now: datetime) -> int:
    """Write one user's digest for the current period and mark the messages it carries."""
    first = rows[0]
    start = period_start(first.frequency, now)
    locale = first.locale if first.locale in LOCALES else DEFAULT_LOCALE
    carried, items, broken = _items(rows, locale)
    key = f"digest:{first.recipient_id}:{start.date().isoformat()}"
    context = {"frequency": first.frequency, "since": start.date().isoformat(), "items": items}
    message = Message(key, "digest", first.email, locale, context, recipient_id=first.recipient_id)
    if broken:
        _mark_dead(conn, broken)
    if not items or not enqueue(conn, [message], now):
        return 0
    digest_id = conn.scalar(select(_outbox.c.id).where(_outbox.c.key == key))
    conn.execute(
        update(_outbox)
        .where(_outbox.c.id.in_(carried))
        .values(status="digested", digest_id=digest_id)
    )
    return 1


def _items(rows: list, locale: str) -> tuple[list[int], list[dict[str, Any]], dict[int, str]]:
    """Each held message as a line of the digest: its subject in the digest's language, its
    link and when it was written; their ids; and the messages whose template fails, with the
    error."""
    carried, items, broken = [], [], {}
    for row in rows:
        try:
            subject = render(row.template, locale, {**row.context, "base_url": ""}).subject
        except TemplateError as error:
            broken[row.id] = f"{type(error).__name__}: {error}"
            continue
        carried.append(row.id)
        items.append(
            {
                "subject": subject.removeprefix(SUBJECT_PREFIX),
                "path": row.context.get("path"),
                "at": row.created_at.isoformat(),
            }
        )
    return carried, items, broken


def _mark_dead(conn: Connection, broken: dict[int, str]) -> None:
    for ident, error in broken.items():
        conn.execute(
            update(_outbox).where(_outbox.c.id == ident).values(status="dead", last_error=error)
        )

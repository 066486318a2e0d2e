"""Outbox rows for the tests of the pages that show them: written by `enqueue`, then marked as
the worker or the digest would have left them."""

from datetime import datetime

from sqlalchemy import update

from engine.db.uow import UnitOfWork
from engine.models.notification import OutboxMessage
from engine.notifications.outbox import Message, enqueue
from engine.services.common import RecordRef


def notify(world, ref: RecordRef, key: str, status: str = "sent", **values) -> int:
    """Write a notification about `ref` to the world's user `key`, left in `status`."""
    who = world.actors[key]
    with UnitOfWork(world.db) as uow:
        now: datetime = uow.clock()
        conn = uow.begin_write()
        message = Message(
            f"test:{ref.kind}:{ref.id}:{key}:{status}",
            "record_waiting",
            f"{key}@example.mq",
            recipient_id=who.id,
            record_type=ref.kind,
            record_id=ref.id,
        )
        enqueue(conn, [message], now)
        table = OutboxMessage.__table__
        changes = {"status": status, **values}
        if status == "sent":
            changes.setdefault("sent_at", now)
            changes.setdefault("subject", "[Maillage] Un dossier attend votre action")
        conn.execute(update(table).where(table.c.key == message.key).values(**changes))
        ident = conn.execute(
            table.select().with_only_columns(table.c.id).where(table.c.key == message.key)
        ).scalar_one()
        uow.commit()
    return ident

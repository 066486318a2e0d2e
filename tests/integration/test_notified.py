"""Who a record's notifications went to (one query, names only), and the dead letters an
administrator sends again, audited."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent
from engine.models.notification import OutboxMessage
from engine.queries.notified import notices
from engine.services import dead_letters
from tests.notices import notify


@pytest.fixture
def told(world, test_clock):
    ref = world.scheme("recorded")
    notify(world, ref, "cotech")
    test_clock.advance(hours=1)
    digest = notify(world, ref, "admin", "sent")  # the digest that carried the held one
    notify(world, ref, "copil", "digested", digest_id=digest)
    notify(world, ref, "cotech2", "pending")
    notify(world, ref, "copil2", "held")
    dead = notify(world, ref, "owner", "dead", attempts=8, last_error="550 Boîte inconnue")
    return ref, dead


def read(world, ref, admin):
    statements = []
    with UnitOfWork(world.db) as uow:
        engine = uow.session.get_bind().engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            found = notices(uow.session, "scheme", ref.id, admin)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    return found, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_readers_see_names_and_dates_never_addresses_nor_dead_letters(world, told, test_clock):
    ref, _ = told
    found, selects = read(world, ref, admin=False)
    assert len(selects) == 1
    by_name = {n.recipient: n for n in found}
    assert set(by_name) == {"Cotech", "Admin", "Copil", "Cotech2", "Copil2"}
    assert by_name["Cotech"].status == "sent" and by_name["Cotech"].at is not None
    # A digested one is dated by its digest's sending.
    assert by_name["Copil"].at == by_name["Admin"].at
    assert by_name["Copil"].at - by_name["Cotech"].at == timedelta(hours=1)
    assert by_name["Cotech2"].at is None
    assert all(n.email is None and n.last_error is None for n in found)


def test_admins_see_the_dead_letters_with_their_error(world, told):
    ref, _ = told
    found, _selects = read(world, ref, admin=True)
    dead = next(n for n in found if n.status == "dead")
    assert (dead.recipient, dead.email) == ("Owner", "owner@example.mq")
    assert dead.last_error == "550 Boîte inconnue"


def test_an_admin_sends_a_dead_letter_again_audited(world, told, test_clock):
    ref, dead = told
    admin = world.actors["admin"]
    with UnitOfWork(world.db) as uow:
        assert dead_letters.outbox_counts(uow, admin)["dead"] == 1
        [letter] = dead_letters.dead_letters(uow, admin)
    assert (letter.id, letter.recipient, letter.record_id) == (dead, "Owner", ref.id)
    test_clock.advance(minutes=5)
    with UnitOfWork(world.db) as uow:
        dead_letters.resend(uow, admin, dead)
    with UnitOfWork(world.db) as uow:
        message = uow.session.get(OutboxMessage, dead)
        assert (message.status, message.attempts) == ("pending", 0)
        assert message.next_attempt_at == test_clock()
        logged = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notification_resend")
        ).one()
    assert (logged.record_type, logged.record_id, logged.actor_id) == (
        "notification",
        dead,
        admin.id,
    )
    assert logged.data["last_error"] == "550 Boîte inconnue"
    assert "owner@example.mq" not in str(logged.data)
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput):
        dead_letters.resend(uow, admin, dead)


def test_only_admins_see_or_resend_dead_letters(world, told):
    _, dead = told
    for key in ("cotech", "copil", "owner"):
        with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
            dead_letters.dead_letters(uow, world.actors[key])
        with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
            dead_letters.resend(uow, world.actors[key], dead)

"""Digests: what was held for a daily or weekly user goes out as one message at 07:00
Martinique time (every day, or on Mondays), once per period, read from a real SMTP server."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import OutboxMessage, User
from engine.notifications.digests import period_start, produce_digests
from engine.notifications.outbox import Message, enqueue
from engine.notifications.producers import PRODUCERS
from engine.notifications.worker import Worker
from engine.rules.policy import SYSTEM
from engine.services.preferences import set_notification_frequency
from tests.factories import Clock


def at_next(clock: Clock, hour: int, minute: int = 0, weekday: int | None = None) -> None:
    """Move the clock to the next hh:mm in Martinique (on `weekday`, 0 for Monday, if given)."""
    there = local(clock())
    target = there.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while target <= there or (weekday is not None and target.weekday() != weekday):
        target += timedelta(days=1)
    clock.now = target.astimezone(clock.now.tzinfo)


def prefer(world, key: str, frequency: str, locale: str | None = None) -> int:
    user_id = world.actors[key].id
    with UnitOfWork(world.db) as uow:
        set_notification_frequency(uow, SYSTEM, user_id, frequency)
    if locale:
        with UnitOfWork(world.db) as uow:
            uow.begin_write().execute(update(User).where(User.id == user_id).values(locale=locale))
            uow.commit()
    return user_id


def hold(world, clock, key: str, n: int, *, held: bool = True, context: dict | None = None):
    """Write `n` record_waiting messages for a user, as the dispatch would (held or not)."""
    actor = world.actors[key]
    messages = []
    for i in range(n):
        number = len(rows(world)) + i + 1
        values = context or {
            "reference": f"DISP-2026-{number:04d}",
            "title": f"Dispositif <{number}>",
            "state": "enregistré",
            "path": f"/dispositifs/{number}",
            "occurred_at": clock().isoformat(),
        }
        key_ = f"event:{number}:user:{actor.id}"
        messages.append(
            Message(key_, "record_waiting", actor.label, "fr", values, actor.id, held=held)
        )
    with UnitOfWork(world.db, clock=clock) as uow:
        enqueue(uow.begin_write(), messages, clock())
        uow.commit()


def rows(world):
    with UnitOfWork(world.db) as uow:
        query = select(OutboxMessage.__table__).order_by(OutboxMessage.id)
        return uow.connection.execute(query).all()


@pytest.fixture
def run(world, test_clock, mail_settings):
    def run_once():
        return Worker(world.db, mail_settings, test_clock, producers=[produce_digests]).run_once()

    return run_once


def test_the_digest_producer_runs_in_every_worker_pass():
    assert produce_digests in PRODUCERS


def test_period_starts_at_seven_martinique_and_on_monday_for_a_week():
    thursday_6h59 = datetime.fromisoformat("2026-11-26T06:59:00-04:00")
    assert period_start("daily", thursday_6h59).isoformat() == "2026-11-25T07:00:00-04:00"
    assert period_start("daily", thursday_6h59 + timedelta(minutes=1)).day == 26
    assert period_start("weekly", thursday_6h59).isoformat() == "2026-11-23T07:00:00-04:00"
    monday_7h = datetime.fromisoformat("2026-11-30T07:00:00-04:00")
    assert period_start("weekly", monday_7h) == monday_7h
    assert period_start("weekly", monday_7h - timedelta(seconds=1)).day == 23


def test_a_daily_digest_carries_what_was_held_once_at_seven(world, test_clock, mail_server, run):
    prefer(world, "cotech", "daily")
    hold(world, test_clock, "cotech", 2)
    assert run().sent == 0  # held: nothing goes before 07:00
    at_next(test_clock, 6, 59)
    assert run().sent == 0
    test_clock.advance(minutes=1)
    hold(world, test_clock, "cotech", 1)  # written at 07:00: the next period's

    assert run().sent == 1
    [mail] = mail_server.to("cotech@example.mq")
    assert mail.subject.startswith("[Maillage] Récapitulatif du jour au ")
    assert mail.subject.endswith(" : 2 notifications")
    text, html = mail.part("plain"), mail.part("html")
    assert "DISP-2026-0001 « Dispositif <1> » attend votre action" in text
    assert "https://maillage.example/dispositifs/2" in text
    assert "[Maillage]" not in text.split("--")[0]
    assert 'href="https://maillage.example/dispositifs/1"' in html
    assert "Dispositif &lt;1&gt;" in html
    digest, *carried = [r for r in rows(world) if r.template == "digest"] + [
        r for r in rows(world) if r.status == "digested"
    ]
    assert digest.key == f"digest:{world.actors['cotech'].id}:{local(test_clock()).date()}"
    assert [r.digest_id for r in carried] == [digest.id, digest.id]
    assert [r.status for r in rows(world) if r.template == "record_waiting"][-1] == "held"

    test_clock.advance(hours=5)
    assert run().claimed == 0  # once per period, whatever the passes
    at_next(test_clock, 7)
    assert run().sent == 1
    assert mail_server.to("cotech@example.mq")[-1].subject.endswith(" : 1 notification")


def test_a_weekly_digest_waits_for_monday(world, test_clock, mail_server, run):
    prefer(world, "copil", "weekly", locale="en")
    hold(world, test_clock, "copil", 3)
    at_next(test_clock, 7, 30)  # the next morning, not a Monday (the test starts on a Thursday
    if local(test_clock()).weekday() != 0:  # unless MAILLAGE_TEST_NOW says otherwise)
        assert run().sent == 0
    at_next(test_clock, 7, 0, weekday=0)
    assert run().sent == 1
    [mail] = mail_server.to("copil@example.mq")
    assert mail.subject.startswith("[Maillage] Weekly digest, ")
    assert mail.subject.endswith(": 3 notifications")
    assert 'DISP-2026-0003 "Dispositif <3>" awaits your action' in mail.part("plain")
    assert "Here are the 3 notifications" in mail.part("plain")


def test_immediate_users_messages_are_never_held_for_a_digest(world, test_clock, mail_server, run):
    prefer(world, "owner", "daily")
    prefer(world, "copil", "daily")
    hold(world, test_clock, "owner", 1)
    hold(world, test_clock, "copil", 1)
    # The owner went back to immediate meanwhile (the service releases what it held; a message
    # written held by a dispatch that read the old preference is released by the producer).
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User)
            .where(User.id == world.actors["owner"].id)
            .values(notification_frequency="immediate")
        )
        uow.commit()
    assert run().sent == 1
    [mail] = mail_server.to("owner@example.mq")
    assert "attend votre action" in mail.subject
    assert mail_server.to("copil@example.mq") == []


def test_inactive_users_get_no_digest(world, test_clock, mail_server, run):
    prefer(world, "cotech2", "daily")
    hold(world, test_clock, "cotech2", 1)
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User).where(User.id == world.actors["cotech2"].id).values(active=False)
        )
        uow.commit()
    at_next(test_clock, 7)
    assert run().sent == 0 and mail_server.messages == []
    assert [r.status for r in rows(world)] == ["held"]


def test_a_message_whose_template_fails_is_a_dead_letter_the_others_go(
    world, test_clock, mail_server, run
):
    prefer(world, "cotech", "daily")
    hold(world, test_clock, "cotech", 1, context={"reference": "DISP-2026-0009"})  # no title
    hold(world, test_clock, "cotech", 1)
    at_next(test_clock, 7)
    assert run().sent == 1
    statuses = {r.key: (r.status, r.last_error) for r in rows(world)}
    broken = statuses[f"event:1:user:{world.actors['cotech'].id}"]
    assert broken[0] == "dead" and "UndefinedError" in broken[1]
    assert mail_server.to("cotech@example.mq")[0].subject.endswith(" : 1 notification")


def test_the_digest_is_written_in_the_same_transaction_as_the_marks(world, test_clock, run):
    prefer(world, "cotech", "weekly")
    hold(world, test_clock, "cotech", 2)
    at_next(test_clock, 7, weekday=0)
    assert produce_digests(world.db, test_clock) == 1
    assert produce_digests(world.db, test_clock) == 0
    [first, second, digest] = rows(world)
    assert (first.status, second.status, digest.status) == ("digested", "digested", "pending")
    assert digest.context["frequency"] == "weekly" and len(digest.context["items"]) == 2


def test_two_workers_at_once_write_one_digest(world, test_clock):
    prefer(world, "cotech", "daily")
    hold(world, test_clock, "cotech", 3)
    at_next(test_clock, 7)
    barrier = threading.Barrier(2)

    def produce(_):
        barrier.wait(timeout=30)
        return produce_digests(world.db, test_clock)

    with ThreadPoolExecutor(2) as pool:
        written = sorted(pool.map(produce, range(2), timeout=120))
    assert written == [0, 1]
    digests = [r for r in rows(world) if r.template == "digest"]
    assert len(digests) == 1
    assert {r.digest_id for r in rows(world) if r.template != "digest"} == {digests[0].id}


def test_two_workers_at_once_write_each_reminder_once(world, test_clock):
    from engine.notifications.reminders import produce_reminders

    world.scheme("recorded")
    test_clock.advance(days=30)
    barrier = threading.Barrier(2)

    def produce(_):
        barrier.wait(timeout=30)
        return produce_reminders(world.db, test_clock)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(produce, range(2), timeout=120))
    # The passed reminder, to both COTECH members (no coordinator in this world), once.
    assert sorted(r.key.split(":")[4] for r in rows(world)) == ["passed", "passed"]


def test_a_submission_told_to_a_daily_cotech_member_arrives_in_the_morning_digest(
    world, test_clock, mail_server, mail_settings
):
    prefer(world, "cotech", "daily")
    ref = world.scheme("recorded", title="Médiation de nuit")
    worker = Worker(world.db, mail_settings, test_clock)  # every producer, dispatch first
    worker.run_once()
    assert mail_server.to("cotech@example.mq") == []
    assert len(mail_server.to("cotech2@example.mq")) == 1  # immediate: told at once
    at_next(test_clock, 7)
    worker.run_once()
    [mail] = mail_server.to("cotech@example.mq")
    assert mail.subject.startswith("[Maillage] Récapitulatif du jour")
    assert "« Médiation de nuit »" in mail.part("plain")
    assert f"https://maillage.example/dispositifs/{ref.id}" in mail.part("plain")

"""Reminders before and after a state's deadline, and escalation of what stays overdue, to the
right people, once per stay in the state, read from a real SMTP server."""

import pytest
from sqlalchemy import event, select, update

from engine.db.uow import UnitOfWork
from engine.models import OutboxCursor, OutboxMessage, User
from engine.notifications.producers import PRODUCERS
from engine.notifications.reminders import produce_reminders
from engine.notifications.worker import Worker


@pytest.fixture
def coordinator(world):
    world.actors["coord"] = world.add_user("coord", ["cotech", "coordinator"], None)
    return world.actors["coord"]


@pytest.fixture
def run(world, test_clock, mail_settings):
    def run_once():
        worker = Worker(world.db, mail_settings, test_clock, producers=[produce_reminders])
        return worker.run_once()

    return run_once


def sent_to(mail_server) -> dict[str, list[str]]:
    """Who received what: subject → sorted addresses."""
    found: dict[str, list[str]] = {}
    for mail in mail_server.messages:
        found.setdefault(mail.subject, []).extend(mail.recipients)
    return {subject: sorted(people) for subject, people in found.items()}


def keys(world) -> list[str]:
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(OutboxMessage.key).order_by(OutboxMessage.id)))


def test_the_reminder_producer_runs_in_every_worker_pass():
    assert produce_reminders in PRODUCERS


def test_cotech_is_reminded_near_and_past_the_deadline_then_the_coordinator_is_told(
    world, test_clock, mail_server, run, coordinator
):
    ref = world.scheme("recorded")
    cotech = ["coord@example.mq", "cotech2@example.mq", "cotech@example.mq"]
    assert run().sent == 0
    test_clock.advance(days=12, minutes=-1)
    assert run().sent == 0
    test_clock.advance(minutes=2)  # three days before the 15 days of "recorded"
    assert run().sent == 3
    [(subject, people)] = sent_to(mail_server).items()
    assert subject.startswith("[Maillage] Rappel : DSP-") and "arrive à échéance le" in subject
    assert people == cotech
    mail = mail_server.messages[0]
    assert f"https://maillage.example/dispositifs/{ref.id}" in mail.part("plain")
    assert "dans 3 jours" in mail.part("plain")
    assert run().claimed == 0  # once per stay, however many passes

    mail_server.messages.clear()
    test_clock.advance(days=3)
    assert run().sent == 3
    [subject] = sent_to(mail_server)
    assert subject.startswith("[Maillage] Échéance dépassée : DSP-")

    mail_server.messages.clear()
    test_clock.advance(days=7)
    assert run().sent == 1
    [(subject, people)] = sent_to(mail_server).items()
    assert subject.startswith("[Maillage] En retard de plus de 7 jours : DSP-")
    assert people == ["coord@example.mq"]
    assert "personne n'a encore agi" in mail_server.messages[0].part("plain")
    test_clock.advance(days=30)
    assert run().claimed == 0


def test_the_owners_of_the_organisation_are_reminded_of_changes_requested(
    world, test_clock, mail_server, run, coordinator
):
    world.scheme("changes_requested")
    run()
    test_clock.advance(days=27, minutes=1)
    run()
    [people] = sent_to(mail_server).values()
    assert people == ["owner2@example.mq", "owner@example.mq"]  # not the other organisation's


def test_the_secretary_is_reminded_of_a_proposal_and_told_when_it_is_late(
    world, test_clock, mail_server, run
):
    secretary = world.secretary()
    world.scheme("proposed")
    run()
    test_clock.advance(days=60 + 7, minutes=1)
    assert run().sent == 2  # the first pass since: passed and escalation, not the near one
    assert sorted(m.subject.split(" : ")[0] for m in mail_server.messages) == [
        "[Maillage] En retard de plus de 7 jours",
        "[Maillage] Échéance dépassée",
    ]
    assert {r for m in mail_server.messages for r in m.recipients} == {secretary.label}


def test_a_record_that_moved_on_is_not_reminded_and_a_new_stay_is(
    world, test_clock, mail_server, run
):
    ref = world.scheme("recorded")
    run()
    test_clock.advance(days=13)
    assert run().sent == 2  # near, to both COTECH members
    world.fire(ref, "request_changes", "cotech", {"comment": "Précisez le public."})
    test_clock.advance(days=3)
    run()
    assert not any(m.subject.startswith("[Maillage] Échéance") for m in mail_server.messages)
    world.fire(ref, "submit", "owner")
    test_clock.advance(days=12, minutes=1)
    assert run().sent == 2  # the new stay in "recorded" has its own near reminder
    assert len({k.split(":")[3] for k in keys(world) if ":near:" in k}) == 2


def test_a_first_pass_catches_up_once_with_what_is_already_late(
    world, test_clock, mail_server, run, coordinator
):
    world.scheme("reviewed")
    test_clock.advance(days=100)
    assert run().sent == 3 + 1  # passed to the COTECH, escalation to the coordinator
    assert run().claimed == 0
    with UnitOfWork(world.db) as uow:
        cursor = uow.session.get(OutboxCursor, "reminders")
        assert cursor.position == int(test_clock().timestamp())


def test_english_readers_read_english(world, test_clock, mail_server, run):
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User).where(User.id == world.actors["cotech"].id).values(locale="en")
        )
        uow.commit()
    world.scheme("recorded")
    run()
    test_clock.advance(days=16)
    run()
    [mail] = mail_server.to("cotech@example.mq")
    assert mail.subject.startswith("[Maillage] Deadline passed: DSP-")
    assert mail.subject.endswith("(recorded)")
    assert "its deadline of" in mail.part("plain")


def test_a_pooling_is_reminded_too(world, test_clock, mail_server, run):
    world.pooling("recorded")
    run()
    test_clock.advance(days=27, minutes=1)
    run()
    assert any(m.subject.startswith("[Maillage] Rappel : MUT-") for m in mail_server.messages)


def test_one_query_per_record_type_whatever_the_number_of_records(world, test_clock):
    world.scheme("recorded")
    produce_reminders(world.db, test_clock)
    test_clock.advance(days=13)
    one = _statements(world, test_clock)
    for i in range(4):
        world.scheme("recorded", title=f"Autre {i}")
    produce_reminders(world.db, test_clock)
    test_clock.advance(days=13)
    assert _statements(world, test_clock) == one


def _statements(world, clock) -> int:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        produce_reminders(world.db, clock)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_cursor_moves_only_when_a_pass_writes(world, test_clock):
    assert produce_reminders(world.db, test_clock) == 0
    assert _position(world) is None  # nothing found, nothing written
    world.scheme("recorded")
    test_clock.advance(days=16)
    produce_reminders(world.db, test_clock)
    reached = _position(world)
    assert reached == int(test_clock().timestamp())
    world.scheme("recorded", title="Plus tard")
    test_clock.advance(days=20)
    produce_reminders(world.db, test_clock)
    assert _position(world) == int(test_clock().timestamp()) > reached


def _position(world) -> int | None:
    with UnitOfWork(world.db) as uow:
        cursor = uow.session.get(OutboxCursor, "reminders")
        return cursor.position if cursor else None

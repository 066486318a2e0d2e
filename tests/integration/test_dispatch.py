"""The dispatch: who is told when a record enters a state, read from the audit log after commit,
once per person and event, in their language, held for a digest when they prefer one."""

import threading

import pytest
from sqlalchemy import func, select, update

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models.audit import AuditEvent
from engine.models.meeting import Meeting
from engine.models.notification import OutboxCursor, OutboxMessage
from engine.models.user import User
from engine.notifications.dispatch import CURSOR, dispatch
from engine.notifications.producers import PRODUCERS
from engine.notifications.sender import send_due
from engine.services.common import RecordRef
from engine.services.meetings.minutes import approve_minutes
from engine.services.transitions import apply_uncommitted


def set_user(world, key, **values):
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User).where(User.email == f"{key}@example.mq").values(**values)
        )
        uow.commit()


def messages(world, **where):
    query = select(OutboxMessage.__table__).order_by(OutboxMessage.id)
    for column, value in where.items():
        query = query.where(OutboxMessage.__table__.c[column] == value)
    with UnitOfWork(world.db) as uow:
        return uow.connection.execute(query).all()


def told(world, **where) -> dict[str, str]:
    """Who was written to, with which template."""
    return {row.recipient_email.split("@")[0]: row.template for row in messages(world, **where)}


def cursor(world) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.connection.execute(
            select(OutboxCursor.position).where(OutboxCursor.name == CURSOR)
        ).scalar_one()


def head(world) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.connection.execute(select(func.max(AuditEvent.position))).scalar_one()


def test_dispatch_is_a_producer_of_the_worker():
    assert dispatch in PRODUCERS


def test_a_submitted_scheme_tells_the_cotech_and_not_its_owner(world, test_clock):
    set_user(world, "cotech2", locale="en", notification_frequency="daily")
    ref = world.scheme("recorded")

    written = dispatch(world.db, test_clock)

    assert written == 2
    assert told(world) == {"cotech": "record_waiting", "cotech2": "record_waiting"}
    french, english = messages(world)
    assert (french.locale, french.status, english.locale, english.status) == (
        "fr",
        "pending",
        "en",
        "held",
    )
    [event] = [e for e in _events(world, ref) if e.to_state == "recorded"]
    assert french.key == f"event:{event.position}:user:{world.actors['cotech'].id}"
    assert french.event_position == event.position
    assert (french.record_type, french.record_id) == ("scheme", ref.id)
    assert french.context["state"] == "enregistré"
    assert english.context["state"] == "recorded"
    assert french.context["path"] == f"/dispositifs/{ref.id}"
    assert cursor(world) == head(world)


def test_each_notifying_state_tells_its_people_but_not_the_actor(world, test_clock):
    secretary = world.secretary()
    ref = world.scheme("recorded")
    dispatch(world.db, test_clock)

    world.fire(ref, "review", "cotech2")
    dispatch(world.db, test_clock)
    assert told(world, template="record_waiting", event_position=head(world)) == {
        "cotech": "record_waiting"
    }

    world.fire(ref, "propose", "cotech")
    dispatch(world.db, test_clock)
    assert told(world, event_position=head(world)) == {"secretariat": "record_waiting"}
    assert secretary.id != world.actors["cotech"].id


@pytest.mark.parametrize(
    ("state", "outcome", "body", "comment"),
    [
        ("changes_requested", "changes_requested", "cotech", "Précisez le budget."),
        ("rejected", "rejected", "cotech", "Hors champ."),
    ],
)
def test_the_owners_learn_the_cotech_decision_with_its_comment(
    world, test_clock, state, outcome, body, comment
):
    set_user(world, "owner2", locale="en")
    world.scheme(state)
    dispatch(world.db, test_clock)

    decided = messages(world, template="record_decided")
    assert {row.recipient_email for row in decided} == {"owner@example.mq", "owner2@example.mq"}
    assert {row.locale for row in decided} == {"fr", "en"}
    for row in decided:
        assert row.context["outcome"] == outcome
        assert row.context["by"] == body
        assert row.context["comment"] == comment
    assert "other_owner@example.mq" not in {r.recipient_email for r in messages(world)}


def test_a_meeting_convenes_its_members_and_tells_the_owners_of_its_decisions(
    world, test_clock, mail_server, mail_settings
):
    set_user(world, "copil2", locale="en")
    ref = world.scheme("proposed")
    dispatch(world.db, test_clock)
    held = world.hold_meeting([(ref, "approve", {})])
    dispatch(world.db, test_clock)

    convened = messages(world, template="meeting_convened")
    # The secretary convened it: the members are told, not the secretary.
    assert {r.recipient_email for r in convened} == {"copil@example.mq", "copil2@example.mq"}
    approved = messages(world, template="record_decided", record_id=ref.id)
    assert {r.recipient_email for r in approved} == {"owner@example.mq", "owner2@example.mq"}
    assert {r.context["by"] for r in approved} == {"copil"}
    assert {r.context["decision_reference"] for r in approved} == {held.numbers[0]}

    send_due(world.db, mail_settings, test_clock)
    [french] = mail_server.to("copil@example.mq")
    assert french.subject.startswith("[Maillage] Convocation : COPIL « Séance du COPIL »")
    assert f"https://maillage.example/seances/{held.meeting_id}/convocation.pdf" in french.part(
        "plain"
    )
    assert "Hôtel de la CTM" in french.part("plain")
    [english] = mail_server.to("copil2@example.mq")
    assert english.subject.startswith('[Maillage] Convocation: COPIL "Séance du COPIL"')
    [owner] = mail_server.to("owner@example.mq")
    assert owner.subject == (
        f"[Maillage] {_reference(world, ref)} « Médiation » : approuvé par le COPIL"
    )
    text = owner.part("plain")
    assert "Le COPIL en a décidé ainsi." in text and held.numbers[0] in text
    # No one else's name or address: not the secretary's, not a member's.
    for other in ("Secretariat", "secretariat@", "Copil", "copil@"):
        assert other not in text and other not in owner.part("html")

    with UnitOfWork(world.db) as uow:
        version = uow.session.get(Meeting, held.meeting_id).version
    with UnitOfWork(world.db) as uow:
        approve_minutes(uow, world.secretary(), held.meeting_id, expected_version=version)
    dispatch(world.db, test_clock)
    minutes = messages(world, template="meeting_minutes_approved")
    assert {r.recipient_email for r in minutes} == {"copil@example.mq", "copil2@example.mq"}
    send_due(world.db, mail_settings, test_clock)
    [_, mail] = mail_server.to("copil@example.mq")
    assert f"/seances/{held.meeting_id}/proces-verbal.pdf" in mail.part("plain")


def test_a_pooling_tells_the_cotech_then_its_lead_organisation_owners(world, test_clock):
    pooling = world.pooling("approved")
    dispatch(world.db, test_clock)

    recorded = messages(world, record_type="pooling", template="record_waiting")
    # cotech created it (recorded), cotech2 reviewed and proposed it.
    created = [r for r in recorded if r.context["state"] == "enregistrée"]
    assert {r.recipient_email for r in created} == {"cotech2@example.mq"}
    decided = messages(world, record_type="pooling", template="record_decided")
    assert {r.recipient_email for r in decided} == {"owner@example.mq", "owner2@example.mq"}
    assert decided[0].context["path"] == f"/mutualisations/{pooling.id}"


def test_dispatch_twice_writes_nothing_twice_and_the_cursor_advances(world, test_clock):
    world.scheme("reviewed")
    start = cursor(world)
    first = dispatch(world.db, test_clock)
    assert first > 0 and cursor(world) == head(world) > start
    assert dispatch(world.db, test_clock) == 0
    # Even from a cursor moved back (a restored backup), the keys keep every message single.
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(OutboxCursor).where(OutboxCursor.name == CURSOR).values(position=start)
        )
        uow.commit()
    assert dispatch(world.db, test_clock) == 0
    assert len(messages(world)) == first


def test_a_rolled_back_transition_sends_nothing(world, test_clock):
    ref = world.scheme("draft")
    before = head(world)
    with pytest.raises(RuntimeError), UnitOfWork(world.db) as uow:
        apply_uncommitted(uow, ref, "submit", world.actors["owner"], {})
        # Something fails after the transition, before the commit: the change and its audit
        # event are undone together.
        raise RuntimeError("after the transition")
    assert head(world) == before
    assert dispatch(world.db, test_clock) == 0
    assert messages(world) == []


def test_events_too_old_when_first_read_are_not_mailed(world, test_clock):
    world.scheme("recorded")
    test_clock.advance(days=4)
    assert dispatch(world.db, test_clock) == 0
    assert cursor(world) == head(world)


def test_batches_read_the_whole_log(world, test_clock):
    for i in range(3):
        world.scheme("recorded", title=f"Dispositif {i}")
    assert dispatch(world.db, test_clock, batch=1) == 6
    assert cursor(world) == head(world)


def _events(world, ref: RecordRef):
    with UnitOfWork(world.db) as uow:
        return uow.connection.execute(
            select(AuditEvent.__table__)
            .where(AuditEvent.record_type == ref.kind, AuditEvent.record_id == ref.id)
            .order_by(AuditEvent.position)
        ).all()


def _reference(world, ref: RecordRef) -> str:
    return _events(world, ref)[0].record_reference


def test_two_dispatchers_at_once_write_each_message_once(world, test_clock):
    for i in range(4):
        world.scheme("recorded", title=f"Dispositif {i}")
    url = world.db.url.render_as_string(hide_password=False)
    databases = [Database(url) for _ in range(2)]
    written: list[int] = []
    try:
        threads = [
            threading.Thread(target=lambda d=d: written.append(dispatch(d, test_clock, batch=2)))
            for d in databases
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for database in databases:
            database.dispose()
    assert sum(written) == 8
    assert len({row.key for row in messages(world)}) == len(messages(world)) == 8
    assert cursor(world) == head(world)

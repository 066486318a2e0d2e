"""Delegates are told: while a delegation is active, what is addressed to the delegator in a lent
role (dispatch's "next actors" messages, the owners' messages, reminders) also goes to the
delegate, once; never before it starts, after it ends or is revoked, or from a deactivated
delegator."""

from datetime import timedelta

from sqlalchemy import event, select

from engine.db.uow import UnitOfWork
from engine.models import OutboxMessage
from engine.notifications import recipients
from engine.notifications.dispatch import dispatch
from engine.notifications.reminders import produce_reminders
from engine.services.delegations import acting, create_delegation, revoke_delegation
from engine.services.transitions import apply_transition
from engine.services.users import update_user
from tests.integration.test_delegations import delegate, today


def told(world) -> list[tuple[str, str]]:
    """(recipient, template) of every message written, in order."""
    query = select(OutboxMessage.recipient_email, OutboxMessage.template).order_by(OutboxMessage.id)
    with UnitOfWork(world.db) as uow:
        return [(email.split("@")[0], t) for email, t in uow.connection.execute(query)]


def people(world) -> list[str]:
    return sorted(who for who, _ in told(world))


def test_the_delegate_is_told_what_waits_for_the_delegator(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["copil", "cotech", "cotech2"]
    assert set(told(world)) == {
        ("copil", "record_waiting"),
        ("cotech", "record_waiting"),
        ("cotech2", "record_waiting"),
    }


def test_not_before_the_delegation_starts(world, test_clock):
    with UnitOfWork(world.db) as uow:
        create_delegation(
            uow,
            world.actors["cotech"],
            delegator_id=None,
            delegate_id=world.actors["copil"].id,
            roles=["cotech"],
            starts=today(test_clock) + timedelta(days=1),
            ends=today(test_clock) + timedelta(days=2),
        )
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["cotech", "cotech2"]


def test_not_after_it_ended(world, test_clock):
    delegate(world, test_clock, "cotech", "copil", days=1)
    test_clock.advance(days=2)
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["cotech", "cotech2"]


def test_not_after_it_was_revoked(world, test_clock):
    delegation_id = delegate(world, test_clock, "cotech", "copil")
    with UnitOfWork(world.db) as uow:
        revoke_delegation(uow, world.actors["cotech"], delegation_id)
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["cotech", "cotech2"]


def test_not_from_a_deactivated_delegator(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    with UnitOfWork(world.db) as uow:
        update_user(uow, world.actors["admin"], world.actors["cotech"].id, active=False)
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["cotech2"]


def test_once_however_many_ways_they_hold_the_role(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    delegate(world, test_clock, "cotech2", "copil")
    delegate(world, test_clock, "cotech", "cotech2")  # who holds it themselves
    world.scheme("recorded")
    dispatch(world.db, test_clock)
    assert people(world) == ["copil", "cotech", "cotech2"]


def test_the_delegate_who_acted_is_not_told_of_their_own_act(world, test_clock):
    world.actors["hybrid"] = world.add_user("hybrid", ["cotech"], None)
    delegate(world, test_clock, "owner", "hybrid", roles=("owner",))
    ref = world.scheme("draft")
    with UnitOfWork(world.db) as uow:
        stand_in = acting(uow.connection, world.actors["hybrid"], uow.clock())
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, ref, "submit", stand_in, {})
    dispatch(world.db, test_clock)
    assert people(world) == ["cotech", "cotech2"]


def test_an_owner_delegate_is_told_the_decision_on_the_delegators_organisation(world, test_clock):
    delegate(world, test_clock, "owner", "other_owner", roles=("owner",))
    ref = world.scheme("recorded")
    dispatch(world.db, test_clock)  # the COTECH's messages
    world.fire(ref, "request_changes", "cotech", {"comment": "Précisez le budget."})
    before = len(told(world))
    dispatch(world.db, test_clock)
    assert sorted(told(world)[before:]) == [
        ("other_owner", "record_decided"),
        ("owner", "record_decided"),
        ("owner2", "record_decided"),
    ]


def test_without_an_instant_only_the_holders_themselves(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    with UnitOfWork(world.db) as uow:
        conn = uow.connection
        alone = [p.email for p in recipients.with_roles(conn, ["cotech"])]
        lent = [p.email for p in recipients.with_roles(conn, ["cotech"], test_clock())]
        by_role = recipients.with_roles_by_role(conn, ["cotech", "copil"], test_clock())
    assert alone == ["cotech@example.mq", "cotech2@example.mq"]
    assert sorted(lent) == ["copil@example.mq", "cotech2@example.mq", "cotech@example.mq"]
    assert [p.email for p in by_role["copil"]] == ["copil@example.mq", "copil2@example.mq"]
    assert sorted(p.email for p in by_role["cotech"]) == sorted(lent)


def test_the_delegate_is_reminded_but_not_sent_the_escalation(world, test_clock):
    world.actors["coord"] = world.add_user("coord", ["cotech", "coordinator"], None)
    delegate(world, test_clock, "cotech", "copil", days=40)
    world.scheme("recorded")
    test_clock.advance(days=12, minutes=1)  # three days before the 15 days of "recorded"
    produce_reminders(world.db, test_clock)
    assert people(world) == ["coord", "copil", "cotech", "cotech2"]
    test_clock.advance(days=10)  # past the deadline, then 7 days more: the coordinator
    produce_reminders(world.db, test_clock)
    escalations = [who for who, template in told(world) if template == "escalation"]
    assert escalations == ["coord"]


def test_one_query_each_however_many_delegations(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    delegate(world, test_clock, "cotech2", "copil2")
    delegate(world, test_clock, "owner", "other_owner", roles=("owner",))
    delegate(world, test_clock, "owner2", "other_owner", roles=("owner",))
    statements = []
    with UnitOfWork(world.db) as uow:
        conn = uow.connection
        event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
        by_role = recipients.with_roles_by_role(conn, ["cotech", "copil"], test_clock())
        owners = recipients.owners_by_organisation(
            conn, [world.organisation_id, world.other_organisation_id], test_clock()
        )
    assert len(statements) == 2
    assert [p.email.split("@")[0] for p in by_role["cotech"]] == [
        "cotech",
        "cotech2",
        "copil",
        "copil2",
    ]
    assert [p.email.split("@")[0] for p in owners[world.organisation_id]] == [
        "owner",
        "owner2",
        "other_owner",
    ]
    assert [p.email.split("@")[0] for p in owners[world.other_organisation_id]] == ["other_owner"]

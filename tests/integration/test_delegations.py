"""Delegations: lent roles, their audit label, their end by the clock, revocation, and
separation of duties checked against both persons."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, Scheme
from engine.queries.inventory import visible_to
from engine.queries.worklist import worklist
from engine.rules.policy import Actor
from engine.services.delegations import (
    acting,
    create_delegation,
    list_delegations,
    revoke_delegation,
)
from engine.services.records import edit_record
from engine.services.transitions import apply_transition, available_transitions
from engine.services.users import update_user


def today(clock) -> date:
    return local(clock()).date()


def delegate(world, clock, delegator: str, to: str, roles=("cotech",), days: int = 2, by=None):
    """Lend `roles` from today for `days` days; return the delegation's id."""
    with UnitOfWork(world.db) as uow:
        return create_delegation(
            uow,
            world.actors[by or delegator],
            delegator_id=world.actors[delegator].id,
            delegate_id=world.actors[to].id,
            roles=list(roles),
            starts=today(clock),
            ends=today(clock) + timedelta(days=days - 1),
        ).id


def now_acting(world, key: str) -> Actor:
    with UnitOfWork(world.db) as uow:
        return acting(uow.connection, world.actors[key], uow.clock())


def fire(world, ref, name, actor, inputs=None):
    with UnitOfWork(world.db) as uow:
        return apply_transition(uow, ref, name, actor, inputs or {})


def last_event(world) -> AuditEvent:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalars(select(AuditEvent).order_by(AuditEvent.position.desc())).first()


def test_a_delegate_acts_for_the_delegator_and_the_log_says_so(world, test_clock):
    scheme = world.scheme("recorded")
    assert now_acting(world, "copil").delegations == ()
    with pytest.raises(NotPermitted):
        fire(world, scheme, "review", now_acting(world, "copil"))
    delegation_id = delegate(world, test_clock, "cotech", "copil")
    fire(world, scheme, "review", now_acting(world, "copil"))
    event = last_event(world)
    assert event.action == "review"
    assert event.actor_id == world.actors["copil"].id
    assert event.actor_label == "copil@example.mq pour le compte de cotech@example.mq"
    assert event.data == {"on_behalf_of": world.actors["cotech"].id, "delegation": delegation_id}


def test_creating_and_revoking_are_audited_on_the_delegators_account(world, test_clock):
    delegation_id = delegate(world, test_clock, "cotech", "copil")
    created = last_event(world)
    assert (created.record_type, created.record_id, created.action) == (
        "user",
        world.actors["cotech"].id,
        "delegation_create",
    )
    assert created.data["delegate"] == world.actors["copil"].id
    assert created.data["roles"] == ["cotech"]
    with UnitOfWork(world.db) as uow:
        revoke_delegation(uow, world.actors["cotech"], delegation_id)
    revoked = last_event(world)
    assert (revoked.action, revoked.actor_id) == ("delegation_revoke", world.actors["cotech"].id)
    assert now_acting(world, "copil").delegations == ()
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        revoke_delegation(uow, world.actors["cotech"], delegation_id)
    assert refused.value.errors == {"delegation": ["Cette délégation est déjà terminée."]}


def test_a_delegation_ends_by_itself_at_its_end_date(world, test_clock):
    scheme = world.scheme("recorded")
    delegate(world, test_clock, "cotech", "copil", days=1)
    assert now_acting(world, "copil").delegations
    # The last day is included: it ends at the next Martinique midnight.
    end = local(test_clock()).replace(hour=0, minute=0, second=0, microsecond=0)
    test_clock.now = (end + timedelta(days=1)).astimezone(test_clock.now.tzinfo)
    assert now_acting(world, "copil").delegations == ()
    with pytest.raises(NotPermitted):
        fire(world, scheme, "review", now_acting(world, "copil"))
    with UnitOfWork(world.db) as uow:
        (listed,) = list_delegations(uow, world.actors["copil"])
        assert listed.status(uow.clock()) == "ended"


def test_a_delegation_lends_nothing_before_it_starts(world, test_clock):
    with UnitOfWork(world.db) as uow:
        future = create_delegation(
            uow,
            world.actors["cotech"],
            delegator_id=None,
            delegate_id=world.actors["copil"].id,
            roles=["cotech"],
            starts=today(test_clock) + timedelta(days=3),
            ends=today(test_clock) + timedelta(days=5),
        )
        assert future.status(uow.clock()) == "upcoming"
    assert now_acting(world, "copil").delegations == ()
    test_clock.advance(days=4)
    assert now_acting(world, "copil").delegations[0].roles == {"cotech"}


def test_the_delegate_may_not_review_what_the_delegator_submitted(world, test_clock):
    world.actors["hybrid"] = world.add_user("hybrid", ["owner", "cotech"], world.organisation_id)
    scheme = world.scheme("draft")
    fire(world, scheme, "submit", world.actors["hybrid"])
    delegate(world, test_clock, "hybrid", "copil", roles=("cotech",))
    with pytest.raises(NotPermitted) as refused:
        fire(world, scheme, "review", now_acting(world, "copil"))
    assert refused.value.codes == ["separation_of_duties"]
    assert refused.value.reasons[0].message == (
        "Vous agissez pour le compte de hybrid@example.mq, qui a soumis ce dispositif : un "
        "autre membre du COTECH doit l'examiner."
    )


def test_the_delegate_may_not_review_what_they_submitted_themselves(world, test_clock):
    scheme = world.scheme("recorded")  # submitted by "owner"
    delegate(world, test_clock, "cotech", "owner", roles=("cotech",))
    with pytest.raises(NotPermitted) as refused:
        fire(world, scheme, "review", now_acting(world, "owner"))
    assert refused.value.codes == ["separation_of_duties"]
    assert refused.value.reasons[0].message.startswith("Vous avez soumis ce dispositif")


def test_a_second_delegation_is_used_when_the_first_delegator_is_concerned(world, test_clock):
    world.actors["hybrid"] = world.add_user("hybrid", ["owner", "cotech"], world.organisation_id)
    scheme = world.scheme("draft")
    fire(world, scheme, "submit", world.actors["hybrid"])
    delegate(world, test_clock, "hybrid", "copil")
    delegate(world, test_clock, "cotech2", "copil")
    fire(world, scheme, "review", now_acting(world, "copil"))
    assert last_event(world).data["on_behalf_of"] == world.actors["cotech2"].id


def test_own_role_first(world, test_clock):
    scheme = world.scheme("recorded")
    delegate(world, test_clock, "cotech", "cotech2")
    fire(world, scheme, "review", now_acting(world, "cotech2"))
    event = last_event(world)
    assert event.actor_label == "cotech2@example.mq"
    assert event.data is None


def test_an_owner_delegation_is_for_the_delegators_organisation(world, test_clock):
    scheme = world.scheme("draft")
    delegate(world, test_clock, "owner", "other_owner", roles=("owner",))
    stand_in = now_acting(world, "other_owner")
    with UnitOfWork(world.db) as uow:
        options = {o.name: o for o in available_transitions(scheme_obj(uow, scheme), stand_in)}
        assert options["submit"].allowed
    with UnitOfWork(world.db) as uow:
        edit_record(uow, scheme, {"summary": "Pendant l'absence."}, stand_in)
    assert "pour le compte de owner@example.mq" in last_event(world).actor_label
    fire(world, scheme, "submit", stand_in)
    assert last_event(world).data["on_behalf_of"] == world.actors["owner"].id


def scheme_obj(uow, ref):
    return uow.session.get(Scheme, ref.id)


def test_a_deactivated_delegator_or_a_role_withdrawn_lends_nothing(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")
    delegate(world, test_clock, "cotech2", "copil")
    with UnitOfWork(world.db) as uow:
        update_user(uow, world.actors["admin"], world.actors["cotech"].id, active=False)
    with UnitOfWork(world.db) as uow:
        update_user(uow, world.actors["admin"], world.actors["cotech2"].id, roles=["copil"])
    assert now_acting(world, "copil").delegations == ()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"delegate": "cotech"}, "delegate_id", "On ne se délègue pas ses propres rôles."),
        ({"roles": []}, "roles", "Cochez au moins un rôle parmi ceux du délégant"),
        ({"roles": ["copil"]}, "roles", "Cochez au moins un rôle parmi ceux du délégant"),
        ({"start": -1}, "starts_at", "Une délégation ne commence pas dans le passé."),
        ({"end": -1}, "ends_at", "La fin doit suivre le début."),
        ({"end": 400}, "ends_at", "Une délégation dure au plus un an"),
    ],
)
def test_bad_delegations_are_refused_field_by_field(world, test_clock, change, field, message):
    day = today(test_clock)
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        create_delegation(
            uow,
            world.actors["cotech"],
            delegator_id=None,
            delegate_id=world.actors[change.get("delegate", "copil")].id,
            roles=change.get("roles", ["cotech"]),
            starts=day + timedelta(days=change.get("start", 0)),
            ends=day + timedelta(days=change.get("end", 1)),
        )
    assert refused.value.errors[field][0].startswith(message)


def test_only_an_administrator_delegates_or_revokes_for_someone_else(world, test_clock):
    with pytest.raises(NotPermitted):
        delegate(world, test_clock, "cotech", "copil", by="cotech2")
    delegation_id = delegate(world, test_clock, "cotech", "copil", by="admin")
    assert last_event(world).actor_id == world.actors["admin"].id
    for who in ("copil", "cotech2"):
        with UnitOfWork(world.db) as uow, pytest.raises((NotPermitted, NotFound)):
            revoke_delegation(uow, world.actors[who], delegation_id)
    with UnitOfWork(world.db) as uow:
        revoke_delegation(uow, world.actors["admin"], delegation_id)
    with UnitOfWork(world.db) as uow:
        assert [d.id for d in list_delegations(uow, world.actors["admin"], everyone=True)] == [
            delegation_id
        ]
        assert list_delegations(uow, world.actors["cotech2"]) == []
        with pytest.raises(NotPermitted):
            list_delegations(uow, world.actors["cotech"], everyone=True)


def test_the_worklist_holds_the_delegators_work_marked_and_once(world, test_clock):
    world.scheme("recorded", title="Enregistré")
    world.scheme("reviewed", title="Examiné")
    delegate(world, test_clock, "cotech", "copil")
    delegate(world, test_clock, "cotech", "cotech2")
    with UnitOfWork(world.db) as uow:
        mine = worklist(
            uow.session, acting(uow.connection, world.actors["copil"], uow.clock()), uow.clock()
        )
        both = worklist(
            uow.session, acting(uow.connection, world.actors["cotech2"], uow.clock()), uow.clock()
        )
    assert {(i.title, i.on_behalf_of) for i in mine.items} == {
        ("Enregistré", "Cotech"),
        ("Examiné", "Cotech"),
    }
    assert mine.total == 2
    # cotech2 reviewed "Examiné" and is a COTECH member: their own line, listed once.
    assert {(i.title, i.on_behalf_of) for i in both.items} == {
        ("Enregistré", None),
        ("Examiné", None),
    }
    assert both.total == 2


def test_the_worklists_queries_do_not_grow_with_its_items(world, test_clock):
    delegate(world, test_clock, "cotech", "copil")

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(world.db.engine, "before_cursor_execute", listener)
        try:
            with UnitOfWork(world.db) as uow:
                actor = acting(uow.connection, world.actors["copil"], uow.clock())
                worklist(uow.session, actor, uow.clock())
        finally:
            event.remove(world.db.engine, "before_cursor_execute", listener)
        return len(seen)

    world.scheme("recorded", title="Un")
    few = statements()
    for i in range(4):
        world.scheme("recorded", title=f"Autre {i}")
    assert statements() == few


def test_the_inventory_shows_the_delegators_drafts_to_the_delegate(world, test_clock):
    draft = world.scheme("draft")
    delegate(world, test_clock, "owner", "other_owner", roles=("owner",))
    with UnitOfWork(world.db) as uow:

        def seen(actor):
            return set(uow.session.scalars(select(Scheme.id).where(visible_to(actor))))

        assert draft.id not in seen(world.actors["other_owner"])
        assert draft.id in seen(acting(uow.connection, world.actors["other_owner"], uow.clock()))


def four_eyes_world(world, test_clock):
    """ "hybrid" (owner and COTECH member) lends "owner" to "cotech", who submits a scheme for
    them; the delegation is then revoked: hybrid is back."""
    world.actors["hybrid"] = world.add_user("hybrid", ["owner", "cotech"], world.organisation_id)
    scheme = world.scheme("draft")
    delegation_id = delegate(world, test_clock, "hybrid", "cotech", roles=("owner",))
    fire(world, scheme, "submit", now_acting(world, "cotech"))
    with UnitOfWork(world.db) as uow:
        revoke_delegation(uow, world.actors["hybrid"], delegation_id)
    return scheme


BACK = (
    "Votre délégué a soumis ce dispositif pour votre compte, par délégation : un autre membre "
    "du COTECH doit l'examiner."
)


def test_the_delegator_back_may_not_review_what_their_delegate_submitted_for_them(
    world, test_clock
):
    scheme = four_eyes_world(world, test_clock)
    with UnitOfWork(world.db) as uow:
        stamped = scheme_obj(uow, scheme)
        assert (stamped.submitted_by_id, stamped.submitted_for_id) == (
            world.actors["cotech"].id,
            world.actors["hybrid"].id,
        )
    with pytest.raises(NotPermitted) as refused:
        fire(world, scheme, "review", now_acting(world, "hybrid"))
    assert refused.value.codes == ["separation_of_duties"]
    assert refused.value.reasons[0].message == BACK


def test_the_options_and_the_worklist_agree_on_the_delegators_refusal(world, test_clock):
    scheme = four_eyes_world(world, test_clock)
    hybrid = now_acting(world, "hybrid")
    with UnitOfWork(world.db) as uow:
        options = {o.name: o for o in available_transitions(scheme_obj(uow, scheme), hybrid)}
        [item] = [i for i in worklist(uow.session, hybrid, uow.clock()).items if i.id == scheme.id]
    assert not options["review"].allowed
    assert options["review"].reasons[0].message == BACK
    assert item.blocked == BACK
    # The delegate, in their own role, submitted it: they may not review it either.
    with pytest.raises(NotPermitted) as refused:
        fire(world, scheme, "review", now_acting(world, "cotech"))
    assert refused.value.reasons[0].message.startswith("Vous avez soumis ce dispositif")
    fire(world, scheme, "review", now_acting(world, "cotech2"))
    assert last_event(world).to_state == "reviewed"

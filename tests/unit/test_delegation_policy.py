"""Capacities lent by delegations, without a database: which one acts, for whom, and whose
duties it engages."""

from engine.rules.policy import Actor, Delegated, can_see, choose_capacity, guard_reasons

ORGANISATION, OTHER = 10, 11
ME, ABSENT, THIRD = 1, 2, 3


def lent(*roles: str, delegator: int = ABSENT, organisation: int | None = None) -> Delegated:
    return Delegated(
        delegation_id=50 + delegator,
        delegator_id=delegator,
        delegator_label=f"u{delegator}@example.mq",
        roles=frozenset(roles),
        organisation_id=organisation,
        delegator_name=f"U{delegator}",
    )


def me(*roles: str, delegations=(), organisation: int | None = None) -> Actor:
    return Actor(ME, "me@example.mq", frozenset(roles), organisation, True, tuple(delegations))


def review_duties(stamps):
    return lambda capacity: guard_reasons(("not_submitter",), "scheme", stamps, capacity)


def test_an_owner_delegation_holds_for_the_delegators_organisation():
    stand_in = me("cotech", delegations=[lent("owner", organisation=ORGANISATION)])
    assert stand_in.holds("owner", ORGANISATION)
    assert not stand_in.holds("owner", OTHER)
    assert can_see(stand_in, frozenset({"owner"}), ORGANISATION)


def test_own_capacity_first_then_each_delegation():
    actor = me("cotech", delegations=[lent("cotech"), lent("cotech", delegator=THIRD)])
    own, first, second = actor.capacities()
    assert (own.label, own.on_behalf_of, own.delegations) == ("me@example.mq", None, ())
    assert first.label == "me@example.mq pour le compte de u2@example.mq"
    assert first.persons == (ME, ABSENT)
    assert second.persons == (ME, THIRD)
    capacity, reasons = choose_capacity(actor, frozenset({"cotech"}), None, review_duties({}))
    assert capacity == own and reasons == []


def test_a_delegation_is_checked_against_both_persons():
    actor = me(delegations=[lent("cotech")])
    for submitter in (ME, ABSENT):
        stamps = {"submitted_by_id": submitter}
        capacity, reasons = choose_capacity(
            actor, frozenset({"cotech"}), None, review_duties(stamps)
        )
        assert capacity is None and [r.code for r in reasons] == ["separation_of_duties"]
    stamps = {"submitted_by_id": THIRD}
    capacity, _ = choose_capacity(actor, frozenset({"cotech"}), None, review_duties(stamps))
    assert capacity.on_behalf_of.delegator_id == ABSENT
    assert capacity.audit_data() == {"on_behalf_of": ABSENT, "delegation": 52}


def test_the_next_delegation_serves_when_the_first_delegator_is_concerned():
    actor = me(delegations=[lent("cotech"), lent("cotech", delegator=THIRD)])
    stamps = {"submitted_by_id": ABSENT}
    capacity, _ = choose_capacity(actor, frozenset({"cotech"}), None, review_duties(stamps))
    assert capacity.on_behalf_of.delegator_id == THIRD


def test_without_any_capacity_the_role_is_the_reason():
    _, reasons = choose_capacity(me("copil"), frozenset({"cotech"}), None, review_duties({}))
    assert [r.code for r in reasons] == ["role_required"]


def test_what_a_delegate_did_for_me_engages_me_once_back():
    """The stamps' `…_for_id` twins: the person stamped acted for ME through a delegation."""
    back = me("cotech", "copil")
    for guard, kind, stamps, done in [
        ("not_submitter", "scheme", {"submitted_by_id": THIRD, "submitted_for_id": ME}, "soumis"),
        ("not_proposer", "pooling", {"proposed_by_id": THIRD, "proposed_for_id": ME}, "proposé"),
        ("not_author", "pooling", {"created_by_id": THIRD, "created_for_id": ME}, "créé"),
    ]:
        [reason] = guard_reasons((guard,), kind, stamps, back)
        assert reason.message.startswith(f"Votre délégué a {done} ")
        assert "pour votre compte, par délégation : un autre membre" in reason.message
    assert guard_reasons(("not_submitter",), "scheme", {"submitted_for_id": THIRD}, back) == []


def test_acting_for_someone_whose_delegate_submitted_is_refused_too():
    stand_in = me("copil", delegations=[lent("cotech")]).capacities()[1]
    stamps = {"submitted_by_id": THIRD, "submitted_for_id": ABSENT}
    [reason] = guard_reasons(("not_submitter",), "scheme", stamps, stand_in)
    assert reason.message.startswith("Vous agissez pour le compte de u2@example.mq, qui a soumis")

"""Sign-in rules on a real database: throttled by rows every server shares, and audited."""

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent, SignInFailure, User
from engine.services.signin import (
    BLOCKED,
    AccountBlocked,
    KnownDevice,
    SignInRefused,
    Throttled,
    blocked_accounts,
    change_password,
    reset_password,
    sign_in,
    sign_out,
    unblock_sign_in,
)
from engine.services.users import set_user_active
from tests.factories import PASSWORD, Clock


@pytest.fixture
def clock(test_clock: Clock) -> Clock:
    return test_clock


def attempt(
    world, clock, email="owner@example.mq", password=PASSWORD, address="10.0.0.1", device=None
):
    with UnitOfWork(world.db, clock=clock) as uow:
        return sign_in(uow, email, password, address, device)


def fail(world, clock, times, **kwargs):
    for _ in range(times):
        with pytest.raises(SignInRefused):
            attempt(world, clock, password="pas le bon mot de passe", **kwargs)


def events(world, action):
    with UnitOfWork(world.db) as uow:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(uow.session.scalars(query))


def test_the_right_password_signs_in_and_is_audited(world, clock) -> None:
    user = attempt(world, clock, email="  Owner@Example.MQ ")
    assert user.email == "owner@example.mq"
    [event] = events(world, "sign_in")
    assert event.record_id == user.id
    assert event.data == {"address": "10.0.0.1", "known_browser": False}


def test_a_wrong_password_is_counted_and_audited_against_the_account(world, clock) -> None:
    fail(world, clock, 1)
    [event] = events(world, "sign_in_failed")
    assert event.record_id == world.actors["owner"].id
    assert event.data == {"address": "10.0.0.1", "reason": "wrong_password", "known_browser": False}
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(SignInFailure)) == 1


def test_an_unknown_account_is_refused_alike_and_what_was_typed_is_not_kept(world, clock) -> None:
    with pytest.raises(SignInRefused) as refused:
        attempt(world, clock, email="personne@example.mq")
    assert str(refused.value) == "Adresse électronique ou mot de passe incorrect."
    [event] = events(world, "sign_in_failed")
    assert event.record_id is None and "personne" not in str(event.data)


def test_a_deactivated_account_cannot_sign_in_even_with_its_password(world, clock) -> None:
    with UnitOfWork(world.db) as uow:
        set_user_active(uow, world.actors["admin"], world.actors["owner"].id, False)
    with pytest.raises(SignInRefused):
        attempt(world, clock)
    assert events(world, "sign_in_failed")[0].data["reason"] == "inactive_account"


def test_five_failures_make_the_sixth_try_wait_even_with_the_right_password(world, clock) -> None:
    fail(world, clock, 5)
    clock.advance(minutes=2)
    with pytest.raises(Throttled) as throttled:
        attempt(world, clock)
    assert throttled.value.minutes == 13
    assert "réessayez dans 13 minutes" in str(throttled.value)
    assert not events(world, "sign_in")


def test_the_account_window_slides(world, clock) -> None:
    fail(world, clock, 1)
    clock.advance(minutes=10)
    fail(world, clock, 4)
    clock.advance(minutes=5, seconds=1)  # the first failure has left the window
    assert attempt(world, clock).email == "owner@example.mq"


def test_unknown_emails_are_counted_folded(world, clock) -> None:
    for email in (
        "Nobody@Example.mq",
        "nobody@example.mq ",
        "NOBODY@EXAMPLE.MQ",
        "nobody@example.mq",
        "nObody@example.mq",
    ):
        with pytest.raises(SignInRefused):
            attempt(world, clock, email=email)
    with pytest.raises(Throttled):
        attempt(world, clock, email="NoBody@example.mq")


def test_twenty_failures_a_minute_from_one_address_block_it_for_every_account(world, clock) -> None:
    for i in range(20):
        with pytest.raises(SignInRefused):
            attempt(world, clock, email=f"essai{i}@example.mq")
    with pytest.raises(Throttled) as throttled:
        attempt(world, clock)
    assert throttled.value.minutes == 1
    assert attempt(world, clock, address="10.0.0.2").email == "owner@example.mq"
    clock.advance(minutes=1, seconds=1)
    assert attempt(world, clock).email == "owner@example.mq"


def test_a_success_keeps_the_failures_in_the_audit_log(world, clock) -> None:
    fail(world, clock, 3)
    attempt(world, clock)
    assert len(events(world, "sign_in_failed")) == 3


def test_sign_out_ends_every_session_and_is_audited(world, clock) -> None:
    owner = world.actors["owner"]
    with UnitOfWork(world.db) as uow:
        before = uow.session.get(User, owner.id).session_version
    with UnitOfWork(world.db, clock=clock) as uow:
        sign_out(uow, owner.id)
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(User, owner.id).session_version == before + 1
    assert events(world, "sign_out")[0].record_id == owner.id


def test_a_password_change_needs_the_current_one_and_refuses_a_common_one(world) -> None:
    owner = world.actors["owner"]
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        change_password(uow, owner, "pas le bon", "motdepasse123")
    assert set(refused.value.errors) == {"current_password", "new_password"}
    assert "trop courant" in refused.value.errors["new_password"][0]


def test_a_password_change_takes_effect_and_is_audited(world, clock) -> None:
    owner = world.actors["owner"]
    with UnitOfWork(world.db) as uow:
        change_password(uow, owner, PASSWORD, "une phrase assez longue et rare")
    with pytest.raises(SignInRefused):
        attempt(world, clock)
    assert attempt(world, clock, password="une phrase assez longue et rare").id == owner.id
    assert events(world, "password_change")[0].changes is None


def test_only_an_admin_resets_a_password(world, clock) -> None:
    owner = world.actors["owner"]
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        reset_password(uow, world.actors["cotech"], owner.id, "mot de passe provisoire 7x")
    with UnitOfWork(world.db) as uow:
        reset_password(uow, world.actors["admin"], owner.id, "mot de passe provisoire 7x")
    assert attempt(world, clock, password="mot de passe provisoire 7x").id == owner.id
    assert events(world, "password_reset")[0].actor_id == world.actors["admin"].id


# The lock-out a stranger could cause (issue 14): throttling by account alone refused the
# rightful user everywhere. The limits below never do, except the daily ceiling.

WRONG = "pas le bon mot de passe"


def owner_device(world, nonce="navigateur-connu-0001") -> KnownDevice:
    return KnownDevice(world.actors["owner"].id, nonce)


def attack(world, clock, tries=60, address="10.6.6.6", **kwargs) -> int:
    """Try wrong passwords as an attacker would; return how many reached the password check."""
    checked = 0
    for _ in range(tries):
        try:
            attempt(world, clock, password=WRONG, address=address, **kwargs)
        except SignInRefused:
            checked += 1
        except Throttled:
            pass
    return checked


def test_an_attack_from_one_address_reaches_the_check_five_times_and_locks_out_no_one(
    world, clock
) -> None:
    assert attack(world, clock) == 5
    assert attempt(world, clock, address="10.0.0.7").email == "owner@example.mq"
    # The attacker's own address keeps waiting, with the right password too.
    with pytest.raises(Throttled):
        attempt(world, clock, address="10.6.6.6")


def test_a_known_browser_signs_in_at_once_even_from_the_attackers_address(world, clock) -> None:
    attack(world, clock)
    user = attempt(world, clock, address="10.6.6.6", device=owner_device(world))
    assert user.email == "owner@example.mq"
    assert events(world, "sign_in")[-1].data == {"address": "10.6.6.6", "known_browser": True}


def test_a_device_cookie_of_another_account_counts_for_nothing(world, clock) -> None:
    attack(world, clock)
    someone_else = KnownDevice(world.actors["cotech"].id, "navigateur-du-cotech")
    with pytest.raises(Throttled):
        attempt(world, clock, address="10.6.6.6", device=someone_else)


def test_failures_from_a_known_browser_hold_that_browser_only(world, clock) -> None:
    assert attack(world, clock, tries=8, address="10.0.0.1", device=owner_device(world)) == 5
    with pytest.raises(Throttled):
        attempt(world, clock, device=owner_device(world))
    # The same address without that cookie, and another known browser, are not held.
    assert attempt(world, clock).email == "owner@example.mq"
    assert attempt(world, clock, device=owner_device(world, "autre-navigateur")).id


def test_sixty_accounts_from_one_address_hit_the_address_limit(world, clock) -> None:
    reached = 0
    for i in range(60):
        try:
            attempt(world, clock, email=f"compte{i}@example.mq", address="10.6.6.6")
        except SignInRefused:
            reached += 1
        except Throttled:
            pass
    assert reached == 20


def spread_attack(world, clock, failures=100) -> None:
    """Guess from many addresses, five each, slowly enough for no other limit to hold."""
    for i in range(failures // 5):
        assert attack(world, clock, tries=5, address=f"10.7.{i}.1") == 5
        clock.advance(minutes=1)


def test_a_hundred_failures_in_a_day_block_the_account_for_unknown_browsers(world, clock) -> None:
    spread_attack(world, clock)
    [blocked] = events(world, "sign_in_blocked")
    assert blocked.record_id == world.actors["owner"].id
    assert blocked.data == {"address": "10.7.19.1", "failures": 100}
    with pytest.raises(AccountBlocked) as refused:
        attempt(world, clock, address="10.0.0.9")
    assert str(refused.value) == BLOCKED
    assert "administrateur" in BLOCKED
    # It does not end by itself: a day later, still blocked.
    clock.advance(days=2)
    with pytest.raises(AccountBlocked):
        attempt(world, clock, address="10.0.0.9")
    # A browser the user signed in from before still gets in.
    assert attempt(world, clock, device=owner_device(world)).email == "owner@example.mq"


def test_ninety_nine_failures_block_nothing(world, clock) -> None:
    spread_attack(world, clock, failures=95)
    assert attack(world, clock, tries=4, address="10.8.0.1") == 4
    assert not events(world, "sign_in_blocked")
    assert attempt(world, clock, address="10.0.0.9").email == "owner@example.mq"


def test_an_administrator_sees_the_blocked_account_and_the_addresses_then_unblocks_it(
    world, clock
) -> None:
    spread_attack(world, clock)
    admin, owner = world.actors["admin"], world.actors["owner"]
    with UnitOfWork(world.db, clock=clock) as uow:
        [blocked] = blocked_accounts(uow, admin)
        assert blocked.user.id == owner.id
        assert len(blocked.addresses) == 20
        assert blocked.addresses[0][:2] == ("10.7.0.1", 5)
    with UnitOfWork(world.db, clock=clock) as uow, pytest.raises(NotPermitted):
        unblock_sign_in(uow, world.actors["cotech"], owner.id)
    with UnitOfWork(world.db, clock=clock) as uow:
        unblock_sign_in(uow, admin, owner.id)
    [unblocked] = events(world, "sign_in_unblocked")
    assert unblocked.actor_id == admin.id and unblocked.record_id == owner.id
    assert attempt(world, clock, address="10.0.0.9").email == "owner@example.mq"
    with UnitOfWork(world.db, clock=clock) as uow:
        assert blocked_accounts(uow, admin) == []
    with UnitOfWork(world.db, clock=clock) as uow, pytest.raises(InvalidInput):
        unblock_sign_in(uow, admin, owner.id)


def test_only_administrators_list_blocked_accounts(world, clock) -> None:
    with UnitOfWork(world.db, clock=clock) as uow, pytest.raises(NotPermitted):
        blocked_accounts(uow, world.actors["cotech"])


def test_a_password_reset_unblocks_the_account(world, clock) -> None:
    spread_attack(world, clock)
    with UnitOfWork(world.db, clock=clock) as uow:
        reset_password(uow, world.actors["admin"], world.actors["owner"].id, "provisoire et long 9")
    assert attempt(world, clock, password="provisoire et long 9", address="10.0.0.9").id
    assert len(events(world, "sign_in_unblocked")) == 1


def test_an_unknown_account_answers_as_a_blocked_one_after_the_ceiling(world, clock) -> None:
    for i in range(20):
        for _ in range(5):
            with pytest.raises(SignInRefused):
                attempt(world, clock, email="personne@example.mq", address=f"10.9.{i}.1")
        clock.advance(minutes=1)
    with pytest.raises(AccountBlocked):
        attempt(world, clock, email="personne@example.mq", address="10.0.0.9")


def test_every_refusal_is_in_the_audit_log_with_its_reason(world, clock) -> None:
    attack(world, clock, tries=7)
    refusals = events(world, "sign_in_refused")
    assert len(refusals) == 2
    assert refusals[0].record_id == world.actors["owner"].id
    assert refusals[0].data == {
        "address": "10.6.6.6",
        "reason": "pair_limit",
        "known_browser": False,
        "retry_after": 900,
    }
    for i in range(15):  # with the attack's 5: 20 failures from that address in a minute
        with pytest.raises(SignInRefused):
            attempt(world, clock, email=f"inconnu{i}@example.mq", address="10.6.6.6")
    with pytest.raises(Throttled):
        attempt(world, clock, email="encore@example.mq", address="10.6.6.6")
    last = events(world, "sign_in_refused")[-1]
    assert last.record_id is None and last.data["reason"] == "address_limit"

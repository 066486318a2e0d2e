"""Sign-in rules on a real database: throttled by rows every server shares, and audited."""

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent, SignInFailure, User
from engine.services.signin import (
    SignInRefused,
    Throttled,
    change_password,
    reset_password,
    sign_in,
    sign_out,
)
from engine.services.users import set_user_active
from tests.factories import PASSWORD, Clock


@pytest.fixture
def clock(test_clock: Clock) -> Clock:
    return test_clock


def attempt(world, clock, email="owner@example.mq", password=PASSWORD, address="10.0.0.1"):
    with UnitOfWork(world.db, clock=clock) as uow:
        return sign_in(uow, email, password, address)


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
    assert event.record_id == user.id and event.data == {"address": "10.0.0.1"}


def test_a_wrong_password_is_counted_and_audited_against_the_account(world, clock) -> None:
    fail(world, clock, 1)
    [event] = events(world, "sign_in_failed")
    assert event.record_id == world.actors["owner"].id
    assert event.data == {"address": "10.0.0.1", "reason": "wrong_password"}
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
    ):
        with pytest.raises(SignInRefused):
            attempt(world, clock, email=email, address=f"10.0.0.{len(email)}")
    fail(world, clock, 1, email="nobody@example.mq", address="10.9.9.9")
    with pytest.raises(Throttled):
        attempt(world, clock, email="NoBody@example.mq", address="10.8.8.8")


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

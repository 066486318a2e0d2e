"""Forgotten passwords: a link mailed through the outbox and a real SMTP server; single use,
30 minutes, newest only, voided by a password change, throttled, audited without its secret."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.models import AuditEvent, OutboxMessage, PasswordReset, SignInFailure, User
from engine.notifications.worker import Worker
from engine.rules.passwords import verify_password
from engine.services import password_reset as reset
from engine.services import signin
from engine.services.password_reset import InvalidResetLink, ResetThrottled
from engine.services.users import set_locale
from tests.factories import PASSWORD

NEW = "une phrase assez longue pour passer"
LINK = re.compile(r"https://maillage\.example/mot-de-passe/([A-Za-z0-9_\-]+)")


def ask(db, clock, email="owner@example.mq", address="192.0.2.1", locale=None):
    with UnitOfWork(db, clock=clock) as uow:
        reset.request_reset(uow, email, address, locale)


def deliver(db, settings, clock):
    return Worker(db, settings, clock=clock).run_once()


def link_in(mail_server, email="owner@example.mq") -> str:
    mail = mail_server.to(email)[-1]
    [secret] = set(LINK.findall(mail.part("plain")))
    assert secret in mail.part("html")
    return secret


def use(db, clock, secret, password=NEW):
    with UnitOfWork(db, clock=clock) as uow:
        return reset.reset_password(uow, secret, password)


def user(db, email="owner@example.mq") -> User:
    with UnitOfWork(db) as uow:
        found = uow.session.scalar(select(User).where(User.email == email))
        uow.session.expunge(found)
        return found


def events(db, prefix="password_reset"):
    with UnitOfWork(db) as uow:
        return uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.position)
        ).all()


def test_the_mail_arrives_with_a_link_that_sets_the_password(
    world, test_clock, mail_server, mail_settings
):
    ask(world.db, test_clock, "  Owner@Example.MQ ")
    deliver(world.db, mail_settings, test_clock)

    [mail] = mail_server.to("owner@example.mq")
    assert mail.subject == "[Maillage] Réinitialisation de votre mot de passe"
    text = mail.part("plain")
    assert "30 minutes" in text and "26/11/2026 à 10:30" in text  # Martinique time
    assert "ignorez ce message" in text
    secret = link_in(mail_server)
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(PasswordReset.token_hash)) == reset.digest(secret)
    before = user(world.db)

    use(world.db, test_clock, secret)

    after = user(world.db)
    assert verify_password(after.password_hash, NEW)
    assert after.session_version == before.session_version + 1  # every session ends
    with UnitOfWork(world.db, clock=test_clock) as uow:
        assert signin.sign_in(uow, "owner@example.mq", NEW, "192.0.2.1").id == after.id


def test_the_secret_is_stored_nowhere_once_mailed(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    with UnitOfWork(world.db) as uow:
        [context] = uow.session.scalars(select(OutboxMessage.context)).all()
    assert context["secret_path"].startswith("/mot-de-passe/")  # until it is handed over

    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)

    with UnitOfWork(world.db) as uow:
        [message] = uow.session.scalars(select(OutboxMessage)).all()
        assert message.status == "sent" and "secret_path" not in message.context
    use(world.db, test_clock, secret)
    logged = json.dumps([[e.data, e.changes] for e in events(world.db, "")], default=str)
    assert secret not in logged and reset.digest(secret) not in logged


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    world, test_clock, mail_server, mail_settings
):
    ask(world.db, test_clock, "personne@example.mq")  # no error, nothing to tell apart
    ask(world.db, test_clock, "nobody-at-all")

    assert deliver(world.db, mail_settings, test_clock).sent == 0
    assert mail_server.messages == []
    [first, _second] = events(world.db)
    assert first.record_id is None and first.data == {
        "address": "192.0.2.1",
        "sent": "unknown_account",
    }
    assert "personne" not in json.dumps(first.data) + str(first.record_reference)


def test_a_deactivated_account_gets_no_mail(world, test_clock, mail_server, mail_settings):
    from engine.services.users import set_user_active

    with UnitOfWork(world.db, clock=test_clock) as uow:
        set_user_active(uow, world.actors["admin"], world.actors["owner"].id, False)
    ask(world.db, test_clock)

    assert deliver(world.db, mail_settings, test_clock).sent == 0
    assert events(world.db)[-1].data["sent"] == "inactive_account"


def test_a_link_expires_after_30_minutes(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)
    test_clock.advance(minutes=30)

    with pytest.raises(InvalidResetLink) as refused:
        use(world.db, test_clock, secret)

    assert refused.value.reason == "expired"
    assert verify_password(user(world.db).password_hash, PASSWORD)
    assert events(world.db)[-1].action == "password_reset_refused"


def test_a_link_works_once(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)
    use(world.db, test_clock, secret)

    with pytest.raises(InvalidResetLink) as refused:
        use(world.db, test_clock, secret, "une autre phrase encore plus longue")

    assert refused.value.reason == "used"
    assert verify_password(user(world.db).password_hash, NEW)


def test_only_the_newest_link_works(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    older = link_in(mail_server)
    test_clock.advance(minutes=1)
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    newer = link_in(mail_server)

    with pytest.raises(InvalidResetLink) as refused:
        use(world.db, test_clock, older)
    assert refused.value.reason == "replaced"
    use(world.db, test_clock, newer)


def test_a_password_changed_since_voids_the_link(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)
    with UnitOfWork(world.db, clock=test_clock) as uow:
        signin.change_password(uow, world.actors["owner"], PASSWORD, NEW)

    with pytest.raises(InvalidResetLink) as refused:
        use(world.db, test_clock, secret, "une autre phrase encore plus longue")
    assert refused.value.reason == "password_changed"


def test_an_unknown_link_and_a_weak_password_are_refused(
    world, test_clock, mail_server, mail_settings
):
    with pytest.raises(InvalidResetLink):
        use(world.db, test_clock, "n-importe-quoi")
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)

    with pytest.raises(InvalidInput) as invalid:
        use(world.db, test_clock, secret, "court")

    assert "12 caractères" in invalid.value.errors["new_password"][0]
    use(world.db, test_clock, secret)  # the refusal did not use the link


def test_requests_are_throttled_per_address_and_per_client(world, test_clock, mail_settings):
    for _ in range(reset.EMAIL_LIMIT.tries):
        ask(world.db, test_clock, address="192.0.2.1")
    with pytest.raises(ResetThrottled) as throttled:
        ask(world.db, test_clock, address="192.0.2.99")
    assert throttled.value.minutes == 15
    for n in range(reset.ADDRESS_LIMIT.tries - reset.EMAIL_LIMIT.tries):
        ask(world.db, test_clock, f"inconnu{n}@example.mq", address="192.0.2.1")
    with pytest.raises(ResetThrottled):  # an unknown address counts the same
        ask(world.db, test_clock, "copil@example.mq", address="192.0.2.1")

    ask(world.db, test_clock, "copil@example.mq", address="192.0.2.2")  # another client
    test_clock.advance(minutes=15)
    ask(world.db, test_clock, address="192.0.2.1")  # the window slid
    with UnitOfWork(world.db) as uow:
        assert len(uow.session.scalars(select(PasswordReset)).all()) == 5
    assert [e.action for e in events(world.db, "password_reset_throttled")] == [
        "password_reset_throttled"
    ] * 2


def test_a_reset_lifts_the_sign_in_block(world, test_clock, mail_server, mail_settings):
    with UnitOfWork(world.db, clock=test_clock) as uow:
        blocked = uow.session.get(User, world.actors["owner"].id)
        blocked.sign_in_blocked_at = test_clock()
        uow.session.add(
            SignInFailure(email="owner@example.mq", address="192.0.2.7", at=test_clock())
        )
        uow.commit()
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)

    use(world.db, test_clock, link_in(mail_server))

    assert user(world.db).sign_in_blocked_at is None
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalars(select(SignInFailure)).all() == []
    assert events(world.db, "sign_in_unblocked")[-1].actor_id == world.actors["owner"].id


def test_an_english_user_gets_the_mail_in_english(world, test_clock, mail_server, mail_settings):
    with UnitOfWork(world.db, clock=test_clock) as uow:
        set_locale(uow, world.actors["cotech"], "en")
    ask(world.db, test_clock, "cotech@example.mq")
    ask(world.db, test_clock, "copil@example.mq", locale="en")  # no choice: the page's language
    deliver(world.db, mail_settings, test_clock)

    for email in ("cotech@example.mq", "copil@example.mq"):
        [mail] = mail_server.to(email)
        assert mail.subject == "[Maillage] Resetting your password"
        assert "26/11/2026 at 10:30" in mail.part("plain")
        assert "ignore this message" in mail.part("html")


def test_a_rolled_back_request_mails_nothing(world, test_clock, mail_server, mail_settings):
    with UnitOfWork(world.db, clock=test_clock) as uow:
        reset._issue(uow, uow.session.get(User, world.actors["owner"].id), "fr", test_clock())
    assert deliver(world.db, mail_settings, test_clock).claimed == 0


def test_two_uses_at_once_set_one_password(world, test_clock, mail_server, mail_settings):
    ask(world.db, test_clock)
    deliver(world.db, mail_settings, test_clock)
    secret = link_in(mail_server)
    barrier = threading.Barrier(2)

    def attempt(password):
        barrier.wait(timeout=10)
        try:
            use(world.db, test_clock, secret, password)
            return password
        except InvalidResetLink as refused:
            return refused.reason

    passwords = [NEW, "une autre phrase encore plus longue"]
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(attempt, passwords))

    assert "used" in outcomes
    [chosen] = [o for o in outcomes if o != "used"]
    assert verify_password(user(world.db).password_hash, chosen)
    assert len(events(world.db, "password_reset_by_mail")) == 1

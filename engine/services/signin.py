"""Signing in and out, and changing passwords: throttled, audited, the same on every server.

Failed sign-ins are rows of `sign_in_failure`, so every app process counts the same ones: after
5 failures for one account (as typed, folded to lower case, known or not) in 15 minutes, or 20
from one address in a minute, further tries wait — and the password is not even checked.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, MaillageError, NotFound, NotPermitted
from engine.models import SignInFailure, User
from engine.records import audit
from engine.rules.passwords import hash_password, password_problem, verify_password
from engine.rules.policy import SYSTEM, Actor, inactive_reason
from engine.services.users import _ensure_admin, audit_user_event, end_sessions

REFUSED = "Adresse électronique ou mot de passe incorrect."


@dataclass(frozen=True)
class Limit:
    """At most `tries` failures per `window` for one key (an account or an address)."""

    tries: int
    window: timedelta


ACCOUNT_LIMIT = Limit(5, timedelta(minutes=15))
ADDRESS_LIMIT = Limit(20, timedelta(minutes=1))


class SignInRefused(MaillageError):
    """Wrong email, wrong password or deactivated account: one message, so none is revealed."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class Throttled(MaillageError):
    """Too many recent failures for this account or address: try again after `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        unit = "minute" if self.minutes == 1 else "minutes"
        super().__init__(f"Trop de tentatives de connexion : réessayez dans {self.minutes} {unit}.")


def sign_in(uow: UnitOfWork, email: str, password: str, address: str) -> User:
    """Return the active user these credentials belong to; record and audit the attempt."""
    uow.begin_write()
    now = uow.clock()
    typed = fold_email(email)
    address = (address or "inconnue")[:45]
    wait = throttle_wait(uow, typed, address, now)
    if wait is not None:
        raise Throttled(wait)
    user = _account(uow, typed)
    reason = _failure_reason(user, password)
    if reason is None:
        audit_user_event(uow, Actor.of(user), user, "sign_in", data={"address": address})
        uow.commit()
        return user
    _record_failure(uow, typed, address, now, user, reason)
    uow.commit()  # the failure must count even though the caller is refused
    raise SignInRefused()


def sign_out(uow: UnitOfWork, user_id: int) -> None:
    """End every browser session of a user (their sign-out); audited."""
    uow.begin_write()
    user = uow.session.get(User, user_id)
    if user is None:
        return
    end_sessions(user)
    audit_user_event(uow, Actor.of(user), user, "sign_out")
    uow.commit()


def change_password(uow: UnitOfWork, actor: Actor, current: str, new: str) -> User:
    """Change one's own password, the current one required; end every other session."""
    uow.begin_write()
    if not actor.active or actor.id is None:
        raise NotPermitted(inactive_reason())
    user = uow.session.get(User, actor.id)
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current or ""):
        errors["current_password"] = ["Mot de passe actuel incorrect."]
    problem = password_problem(new or "", email=user.email, name=user.name)
    if problem:
        errors["new_password"] = [problem]
    elif verify_password(user.password_hash, new):
        errors["new_password"] = ["Le nouveau mot de passe doit différer de l'actuel."]
    if errors:
        raise InvalidInput(errors)
    _set_password(uow, actor, user, new, "password_change")
    uow.commit()
    return user


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, temporary: str) -> User:
    """Give a user a temporary password an administrator chose; end their sessions; audited."""
    uow.begin_write()
    _ensure_admin(actor)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    problem = password_problem(temporary or "", email=user.email, name=user.name)
    if problem:
        raise InvalidInput({"password": [problem]})
    _set_password(uow, actor, user, temporary, "password_reset")
    uow.commit()
    return user


def throttle_wait(uow: UnitOfWork, email: str, address: str, now: datetime) -> timedelta | None:
    """Return how long this account or address must wait before trying again, or None."""
    waits = [
        _wait(uow, SignInFailure.email == email, ACCOUNT_LIMIT, now),
        _wait(uow, SignInFailure.address == address, ADDRESS_LIMIT, now),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def fold_email(email: str) -> str:
    """Return an email as accounts are keyed: trimmed, lower case, at most 254 characters."""
    return (email or "").strip().lower()[:254]


def _wait(uow: UnitOfWork, key, limit: Limit, now: datetime) -> timedelta | None:
    # The window slides: once the limit-th most recent failure leaves it, one more try is allowed.
    oldest_counted = uow.session.scalar(
        select(SignInFailure.at)
        .where(key, SignInFailure.at > now - limit.window)
        .order_by(SignInFailure.at.desc())
        .offset(limit.tries - 1)
        .limit(1)
    )
    return None if oldest_counted is None else oldest_counted + limit.window - now


def _account(uow: UnitOfWork, email: str) -> User | None:
    return uow.session.scalar(select(User).where(func.lower(User.email) == email))


def _failure_reason(user: User | None, password: str) -> str | None:
    if user is None:
        return "unknown_account"
    if not verify_password(user.password_hash, password or ""):
        return "wrong_password"
    return None if user.active else "inactive_account"


def _record_failure(
    uow: UnitOfWork, email: str, address: str, now: datetime, user: User | None, reason: str
) -> None:
    # Rows older than the widest window no longer count: prune this key's, using its index.
    oldest = now - max(ACCOUNT_LIMIT.window, ADDRESS_LIMIT.window)
    for key in (SignInFailure.email == email, SignInFailure.address == address):
        uow.session.execute(delete(SignInFailure).where(key, SignInFailure.at < oldest))
    uow.session.add(SignInFailure(email=email, address=address, at=now))
    data = {"address": address, "reason": reason}
    if user is not None:
        audit_user_event(uow, SYSTEM, user, "sign_in_failed", data=data)
    else:
        # What was typed is not kept: people sometimes type their password in the email field.
        _audit_unknown_failure(uow, now, data)


def _audit_unknown_failure(uow: UnitOfWork, now: datetime, data: dict) -> None:
    entry = audit.Entry(
        record_type="user",
        action="sign_in_failed",
        occurred_at=now,
        actor_label=SYSTEM.label,
        data=data,
    )
    audit.append(uow.connection, [entry])


def _set_password(uow: UnitOfWork, actor: Actor, user: User, password: str, action: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit_user_event(uow, actor, user, action)

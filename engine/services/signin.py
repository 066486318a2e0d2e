"""Signing in and out, and changing passwords: throttled, audited, the same on every server.

Failed sign-ins are rows of `sign_in_failure`, so every app process counts the same ones. The
limits slow guessing down without handing a stranger a way to keep the user out (NIST SP 800-63B
§5.2.2, OWASP ASVS V2.2.1; OWASP's "device cookies"):

- one address: 20 failures in a minute, whatever the accounts, make it wait;
- one account from one address: 5 failures in 15 minutes make that pair wait — the same account
  from another address, which has not failed, is not slowed down;
- one account from a known browser (one it signed in from before, by its signed device cookie):
  5 failures in 15 minutes make that browser wait, and it is never held by the others;
- one account in all: 100 failures in a day (NIST's upper bound) block it, for every browser but
  a known one, until an administrator unblocks it or resets its password.

A refusal checks no password, and is written to the audit log like every attempt.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, MaillageError, NotFound, NotPermitted
from engine.models import SignInFailure, User
from engine.records import audit
from engine.rules.passwords import hash_password, password_problem, verify_password
from engine.rules.policy import SYSTEM, Actor, inactive_reason
from engine.services.users import _ensure_admin, audit_user_event, end_sessions

REFUSED = "Adresse électronique ou mot de passe incorrect."
BLOCKED = (
    "Ce compte est bloqué après de trop nombreuses tentatives de connexion. Demandez à un "
    "administrateur de Maillage de le débloquer, ou connectez-vous depuis un navigateur où vous "
    "vous êtes déjà connecté(e)."
)
# Taken per account on PostgreSQL (SQLite's write lock already serialises): two servers never
# both let the fifth failure's successor reach the password check.
ACCOUNT_LOCK = 0x5349474E  # "SIGN"


@dataclass(frozen=True)
class Limit:
    """At most `tries` failures per `window` for one key (an address, a pair, a browser…)."""

    tries: int
    window: timedelta


ADDRESS_LIMIT = Limit(20, timedelta(minutes=1))
PAIR_LIMIT = Limit(5, timedelta(minutes=15))
DEVICE_LIMIT = Limit(5, timedelta(minutes=15))
ACCOUNT_CEILING = Limit(100, timedelta(days=1))
# Failures older than this count for nothing: they are pruned as new ones come.
KEPT = max(ADDRESS_LIMIT.window, PAIR_LIMIT.window, DEVICE_LIMIT.window, ACCOUNT_CEILING.window)


@dataclass(frozen=True)
class KnownDevice:
    """A browser that signed in to this account before: the web layer checked its signature."""

    user_id: int
    nonce: str


class SignInRefused(MaillageError):
    """Wrong email, wrong password or deactivated account: one message, so none is revealed."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class Throttled(MaillageError):
    """Too many recent failures for this address, pair or browser: retry after `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        unit = "minute" if self.minutes == 1 else "minutes"
        super().__init__(f"Trop de tentatives de connexion : réessayez dans {self.minutes} {unit}.")


class AccountBlocked(MaillageError):
    """The account reached the daily ceiling: only a known browser or an unblock lets one in."""

    def __init__(self) -> None:
        super().__init__(BLOCKED)


@dataclass(frozen=True)
class BlockedAccount:
    """A blocked account, as an administrator sees it: when, and the addresses that tried."""

    user: User
    blocked_at: datetime
    addresses: list[tuple[str, int, datetime]]  # address, failures in the last day, last one


def sign_in(
    uow: UnitOfWork, email: str, password: str, address: str, device: KnownDevice | None = None
) -> User:
    """Return the active user these credentials belong to; record and audit the attempt."""
    conn = uow.begin_write()
    now = uow.clock()
    typed = fold_email(email)
    address = (address or "inconnue")[:45]
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(:email))"),
            {"key": ACCOUNT_LOCK, "email": typed},
        )
    user = _account(uow, typed)
    known = (
        device if device is not None and user is not None and device.user_id == user.id else None
    )
    refusal = _refusal(uow, typed, address, known, user, now)
    if refusal is not None:
        _audit_refusal(uow, user, now, address, known, refusal)
        uow.commit()  # the refusal is in the log even though the caller is refused
        raise refusal[1]
    reason = _failure_reason(user, password)
    if reason is None:
        data = {"address": address, "known_browser": known is not None}
        audit_user_event(uow, Actor.of(user), user, "sign_in", data=data)
        uow.commit()
        return user
    _record_failure(uow, typed, address, known, now, user, reason)
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
    if user.sign_in_blocked_at is not None:  # the reset is how a blocked user gets back in
        _unblock(uow, actor, user, "sign_in_unblocked")
    uow.commit()
    return user


def blocked_accounts(uow: UnitOfWork, actor: Actor) -> list[BlockedAccount]:
    """The blocked accounts, most recent first, with the addresses that tried (administrators)."""
    _ensure_admin(actor)
    users = uow.session.scalars(
        select(User)
        .where(User.sign_in_blocked_at.isnot(None))
        .order_by(User.sign_in_blocked_at.desc(), User.id)
    ).all()
    since = uow.clock() - ACCOUNT_CEILING.window
    return [BlockedAccount(u, u.sign_in_blocked_at, _addresses(uow, u, since)) for u in users]


def unblock_sign_in(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Unblock an account (administrators): its failures so far no longer count; audited."""
    uow.begin_write()
    _ensure_admin(actor)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.sign_in_blocked_at is None:
        raise InvalidInput({"_": ["Ce compte n'est pas bloqué."]})
    _unblock(uow, actor, user, "sign_in_unblocked")
    uow.commit()
    return user


def _addresses(uow: UnitOfWork, user: User, since: datetime) -> list[tuple[str, int, datetime]]:
    rows = uow.session.execute(
        select(SignInFailure.address, func.count(), func.max(SignInFailure.at))
        .where(SignInFailure.email == fold_email(user.email), SignInFailure.at > since)
        .group_by(SignInFailure.address)
        .order_by(func.count().desc(), SignInFailure.address)
    ).all()
    return [(address, count, last) for address, count, last in rows]


def _unblock(uow: UnitOfWork, actor: Actor, user: User, action: str) -> None:
    # The failures that led to the block would block it again at the next one: they go (the
    # audit log keeps every one of them).
    uow.session.execute(delete(SignInFailure).where(SignInFailure.email == fold_email(user.email)))
    blocked_at = user.sign_in_blocked_at
    user.sign_in_blocked_at = None
    audit_user_event(uow, actor, user, action, data={"blocked_at": blocked_at})


def _known(device: KnownDevice | None, user: User | None) -> KnownDevice | None:
    """The browser's device cookie counts only for the account it was given for."""
    return device if user is not None and device is not None and device.user_id == user.id else None


def _refusal(
    uow: UnitOfWork,
    email: str,
    address: str,
    known: KnownDevice | None,
    user: User | None,
    now: datetime,
) -> tuple[str, MaillageError] | None:
    """Return why this attempt is refused before its password is checked (a limit), or None."""
    wait = _wait(uow, SignInFailure.address == address, ADDRESS_LIMIT, now)
    if wait is not None:
        return "address_limit", Throttled(wait)
    if known is not None:  # a known browser answers for itself only
        wait = _wait(uow, SignInFailure.device == known.nonce, DEVICE_LIMIT, now)
        return ("device_limit", Throttled(wait)) if wait is not None else None
    if _blocked(uow, email, user, now):
        return "account_blocked", AccountBlocked()
    pair = (SignInFailure.email == email) & (SignInFailure.address == address)
    wait = _wait(uow, pair & SignInFailure.device.is_(None), PAIR_LIMIT, now)
    return ("pair_limit", Throttled(wait)) if wait is not None else None


def _blocked(uow: UnitOfWork, email: str, user: User | None, now: datetime) -> bool:
    if user is not None:
        return user.sign_in_blocked_at is not None
    # An unknown account answers as a blocked one would, so that a block reveals nothing.
    return _failures(uow, email, now) >= ACCOUNT_CEILING.tries


def _failures(uow: UnitOfWork, email: str, now: datetime) -> int:
    return uow.session.scalar(
        select(func.count()).where(
            SignInFailure.email == email, SignInFailure.at > now - ACCOUNT_CEILING.window
        )
    )


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
    uow: UnitOfWork,
    email: str,
    address: str,
    known: KnownDevice | None,
    now: datetime,
    user: User | None,
    reason: str,
) -> None:
    # Rows older than the widest window no longer count: prune this key's, using its index.
    for key in (SignInFailure.email == email, SignInFailure.address == address):
        uow.session.execute(delete(SignInFailure).where(key, SignInFailure.at < now - KEPT))
    device = known.nonce if known is not None else None
    uow.session.add(SignInFailure(email=email, address=address, at=now, device=device))
    data = {"address": address, "reason": reason, "known_browser": known is not None}
    if user is None:
        # What was typed is not kept: people sometimes type their password in the email field.
        _audit_unknown(uow, now, "sign_in_failed", data)
        return
    audit_user_event(uow, SYSTEM, user, "sign_in_failed", data=data)
    uow.session.flush()
    if user.sign_in_blocked_at is None and _failures(uow, email, now) >= ACCOUNT_CEILING.tries:
        user.sign_in_blocked_at = now
        failures = ACCOUNT_CEILING.tries
        audit_user_event(
            uow, SYSTEM, user, "sign_in_blocked", data={"address": address, "failures": failures}
        )


def _audit_refusal(
    uow: UnitOfWork,
    user: User | None,
    now: datetime,
    address: str,
    known: KnownDevice | None,
    refusal: tuple[str, MaillageError],
) -> None:
    reason, error = refusal
    data = {"address": address, "reason": reason, "known_browser": known is not None}
    if isinstance(error, Throttled):
        data["retry_after"] = math.ceil(error.retry_after.total_seconds())
    if user is None:
        _audit_unknown(uow, now, "sign_in_refused", data)
    else:
        audit_user_event(uow, SYSTEM, user, "sign_in_refused", data=data)


def _audit_unknown(uow: UnitOfWork, now: datetime, action: str, data: dict) -> None:
    entry = audit.Entry(
        record_type="user",
        action=action,
        occurred_at=now,
        actor_label=SYSTEM.label,
        data=data,
    )
    audit.append(uow.connection, [entry])


def _set_password(uow: UnitOfWork, actor: Actor, user: User, password: str, action: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit_user_event(uow, actor, user, action)

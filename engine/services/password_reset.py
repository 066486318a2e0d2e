"""Forgotten passwords: a reset link by mail — single use, short-lived, throttled, audited.

Asking gives the same answer whether an active account has the address or not: both ways write
the request (which the throttle counts) and an audit event, and neither hashes a password or
talks to the mail server — the link is written to the outbox in the same transaction and mailed
by the worker after commit. The link holds 256 random bits (`secrets.token_urlsafe(32)`); only
their SHA-256 is stored. It works once, for 30 minutes, if it is the user's newest link and the
password is still the one it was issued against. Using it sets the new password, ends every
session and lifts the sign-in limits, as an administrator's reset would. No itsdangerous
signature on top: the stored hash already proves the server issued the link, and only the row
can make it single use and revocable (docs/security.md, "Forgotten passwords").
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, MaillageError
from engine.models import PasswordReset, PasswordResetRequest, SignInFailure, User
from engine.notifications.outbox import Message, enqueue
from engine.records import audit
from engine.rules.passwords import hash_password, password_problem
from engine.rules.policy import SYSTEM, Actor
from engine.services.signin import Limit, fold_email
from engine.services.users import LOCALES, audit_user_event, end_sessions

LIFETIME = timedelta(minutes=30)
TEMPLATE = "password_reset"
PATH = "/mot-de-passe/"
# Requests, answered or not: per address typed, and per client IP (an office shares one).
EMAIL_LIMIT = Limit(3, timedelta(minutes=15))
ADDRESS_LIMIT = Limit(10, timedelta(minutes=15))
KEPT = max(EMAIL_LIMIT.window, ADDRESS_LIMIT.window)
KEPT_LINKS = timedelta(days=1)
INVALID = (
    "Ce lien de réinitialisation n'est plus valable : il a déjà servi, il a expiré, un lien plus "
    "récent l'a remplacé ou le mot de passe a changé depuis. Demandez-en un nouveau."
)


class ResetThrottled(MaillageError):
    """Too many requests for this address or from this client: retry after `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(f"Trop de demandes : réessayez dans {self.minutes} minute(s).")


class InvalidResetLink(MaillageError):
    """Unknown, used, expired, replaced or voided by a password change: `reason` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(INVALID)


@dataclass(frozen=True)
class ResetLink:
    """A valid link, as its page shows it: whose account, until when."""

    email: str
    expires_at: datetime


def digest(secret: str) -> str:
    """Return the SHA-256 of a link's secret, as it is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def request_reset(uow: UnitOfWork, email: str, address: str, locale: str | None = None) -> None:
    """Mail a reset link if an active account has this address, or do nothing visible; audited.

    `locale` is the language of the page that asked, used when the user chose none.
    """
    uow.begin_write()
    now = uow.clock()
    typed, address = fold_email(email), (address or "inconnue")[:45]
    user = uow.session.scalar(select(User).where(func.lower(User.email) == typed))
    wait = _wait(uow, typed, address, now)
    if wait is not None:
        _audit(uow, user, now, "password_reset_throttled", {"address": address})
        uow.commit()  # the refusal is in the log even though the caller is refused
        raise ResetThrottled(wait)
    _record_request(uow, typed, address, now)
    if user is None or not user.active:
        reason = "unknown_account" if user is None else "inactive_account"
        _audit(uow, user, now, "password_reset_requested", {"address": address, "sent": reason})
        uow.commit()
        return
    reset = _issue(uow, user, locale, now)
    data = {
        "address": address,
        "sent": "mail",
        "reset_id": reset.id,
        "expires_at": reset.expires_at,
    }
    _audit(uow, user, now, "password_reset_requested", data)
    uow.commit()


def check_reset(uow: UnitOfWork, secret: str) -> ResetLink:
    """Return whose account a link resets, or raise InvalidResetLink (reads only)."""
    reset, user = _valid(uow, secret, uow.clock())
    return ResetLink(user.email, reset.expires_at)


def reset_password(uow: UnitOfWork, secret: str, new_password: str) -> User:
    """Set a new password through a mailed link: once; end every session; audited."""
    uow.begin_write()
    now = uow.clock()
    try:
        reset, user = _valid(uow, secret, now, lock=True)
    except InvalidResetLink as invalid:
        if invalid.reason != "unknown":  # a guess has no account to note it on
            uow.commit()
        raise
    problem = password_problem(new_password or "", email=user.email, name=user.name)
    if problem:
        raise InvalidInput({"new_password": [problem]})
    reset.used_at = now
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    actor = Actor.of(user)
    audit_user_event(uow, actor, user, "password_reset_by_mail", data={"reset_id": reset.id})
    _lift_sign_in_limits(uow, actor, user)
    uow.commit()
    return user


def _issue(uow: UnitOfWork, user: User, locale: str | None, now: datetime) -> PasswordReset:
    # A user's links older than a day are dead anyway: they go, so the table stays small.
    stale = (PasswordReset.user_id == user.id) & (PasswordReset.created_at < now - KEPT_LINKS)
    uow.session.execute(delete(PasswordReset).where(stale))
    secret = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id,
        token_hash=digest(secret),
        password_digest=_password_digest(user),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    uow.session.add(reset)
    uow.session.flush()
    language = user.locale or (locale if locale in LOCALES else None) or "fr"
    context = {
        "name": user.name,
        # Erased from the outbox once sent (engine.notifications.sender): the secret's only copy.
        "secret_path": PATH + secret,
        "expires_at": reset.expires_at.isoformat(),
        "minutes": int(LIFETIME.total_seconds() // 60),
    }
    message = Message(
        f"password_reset:{reset.id}", TEMPLATE, user.email, language, context, recipient_id=user.id
    )
    enqueue(uow.connection, [message], now)
    return reset


def _valid(
    uow: UnitOfWork, secret: str, now: datetime, *, lock: bool = False
) -> tuple[PasswordReset, User]:
    if not secret or len(secret) > 100:
        raise InvalidResetLink("unknown")
    query = select(PasswordReset).where(PasswordReset.token_hash == digest(secret))
    reset = uow.session.scalar(query.with_for_update() if lock else query)
    if reset is None:
        raise InvalidResetLink("unknown")
    user = uow.session.get(User, reset.user_id)
    reason = _invalidity(uow, reset, user, now)
    if reason is not None:
        if lock:
            _audit(
                uow, user, now, "password_reset_refused", {"reset_id": reset.id, "reason": reason}
            )
        raise InvalidResetLink(reason)
    return reset, user


def _invalidity(uow: UnitOfWork, reset: PasswordReset, user: User, now: datetime) -> str | None:
    if reset.used_at is not None:
        return "used"
    if reset.expires_at <= now:
        return "expired"
    newest = uow.session.scalar(
        select(func.max(PasswordReset.id)).where(PasswordReset.user_id == reset.user_id)
    )
    if newest != reset.id:
        return "replaced"
    if not secrets.compare_digest(reset.password_digest, _password_digest(user)):
        return "password_changed"
    return None if user.active else "inactive_account"


def _password_digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()


def _lift_sign_in_limits(uow: UnitOfWork, actor: Actor, user: User) -> None:
    # As an administrator's unblock: the failures so far would hold the new password back.
    uow.session.execute(delete(SignInFailure).where(SignInFailure.email == fold_email(user.email)))
    if user.sign_in_blocked_at is not None:
        blocked_at, user.sign_in_blocked_at = user.sign_in_blocked_at, None
        audit_user_event(uow, actor, user, "sign_in_unblocked", data={"blocked_at": blocked_at})


def _wait(uow: UnitOfWork, email: str, address: str, now: datetime) -> timedelta | None:
    waits = [
        _window_wait(uow, PasswordResetRequest.email == email, EMAIL_LIMIT, now),
        _window_wait(uow, PasswordResetRequest.address == address, ADDRESS_LIMIT, now),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def _window_wait(uow: UnitOfWork, key, limit: Limit, now: datetime) -> timedelta | None:
    # The window slides: once the limit-th most recent request leaves it, one more is allowed.
    oldest_counted = uow.session.scalar(
        select(PasswordResetRequest.at)
        .where(key, PasswordResetRequest.at > now - limit.window)
        .order_by(PasswordResetRequest.at.desc())
        .offset(limit.tries - 1)
        .limit(1)
    )
    return None if oldest_counted is None else oldest_counted + limit.window - now


def _record_request(uow: UnitOfWork, email: str, address: str, now: datetime) -> None:
    for key in (PasswordResetRequest.email == email, PasswordResetRequest.address == address):
        uow.session.execute(
            delete(PasswordResetRequest).where(key, PasswordResetRequest.at < now - KEPT)
        )
    uow.session.add(PasswordResetRequest(email=email, address=address, at=now))


def _audit(uow: UnitOfWork, user: User | None, now: datetime, action: str, data: dict) -> None:
    if user is not None:
        audit_user_event(uow, SYSTEM, user, action, data=data)
        return
    # What was typed is not kept: an unknown address may be someone's password.
    entry = audit.Entry(
        record_type="user", action=action, occurred_at=now, actor_label=SYSTEM.label, data=data
    )
    audit.append(uow.connection, [entry])

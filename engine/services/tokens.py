"""API tokens: created for a user (shown once), revoked, and recognised on each request."""

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.orm import Session

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted, Reason
from engine.models import ApiToken, User, UserRole
from engine.rules.policy import Actor, inactive_reason
from engine.services.users import audit_user_event

PREFIX = "mlg_"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(uow: UnitOfWork, actor: Actor, user_id: int, name: str) -> IssuedToken:
    """Create a token for a user (themselves, or any user for an admin); audited."""
    uow.begin_write()
    _ensure_may_manage(actor, user_id)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput({"name": ["Nom du jeton obligatoire (100 caractères au plus)."]})
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if not user.active:
        raise InvalidInput({"user": ["Ce compte est désactivé."]})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=_digest(secret),
        prefix=secret[:12],
        created_at=uow.clock(),
    )
    uow.session.add(token)
    uow.session.flush()
    _audit(uow, actor, token, user, "token_create")
    uow.commit()
    return IssuedToken(token.id, secret)


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    """Revoke a token at once (its owner, or an admin); audited."""
    uow.begin_write()
    token = uow.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound()
    _ensure_may_manage(actor, token.user_id)
    if token.revoked_at is None:
        token.revoked_at = uow.clock()
        _audit(uow, actor, token, token.user, "token_revoke")
    uow.commit()


def user_for_token(session: Session, secret: str) -> User | None:
    """Return the active user a bearer secret belongs to, or None.

    Read only: noting each use would make every GET a write, which SQLite serialises.
    """
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = session.execute(
        select(ApiToken.id, ApiToken.user_id).where(
            ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def actor_for_token(conn: Connection, secret: str) -> Actor | None:
    """Return the acting active user a bearer secret belongs to, or None, in one statement.

    What `user_for_token` then `Actor.of` tell, without the ORM: the API's every request asks.
    """
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    rows = conn.execute(_actor_statement(), {"digest": _digest(secret)}).all()
    if not rows or not rows[0].active:
        return None
    first = rows[0]
    roles = frozenset(row.role for row in rows if row.role is not None)
    return Actor(first.id, first.email, roles, first.organisation_id, True)


@cache
def _actor_statement() -> Select:
    """A live token's user and each of their roles (one row per role, one if none)."""
    token, user, role = ApiToken.__table__, User.__table__, UserRole.__table__
    return (
        select(user.c.id, user.c.email, user.c.organisation_id, user.c.active, role.c.role)
        .select_from(
            token.join(user, user.c.id == token.c.user_id).outerjoin(
                role, role.c.user_id == user.c.id
            )
        )
        .where(token.c.token_hash == bindparam("digest"), token.c.revoked_at.is_(None))
    )


def _ensure_may_manage(actor: Actor, user_id: int) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if actor.id is not None and actor.id != user_id and "admin" not in actor.roles:
        raise NotPermitted(
            Reason("role_required", "Seul l'intéressé ou un administrateur gère ses jetons.")
        )


def _audit(uow: UnitOfWork, actor: Actor, token: ApiToken, user: User, action: str) -> None:
    data = {"token_id": token.id, "name": token.name, "prefix": token.prefix}
    audit_user_event(uow, actor, user, action, data=data)

"""Delegations: a user lends some of their roles to another for a period, audited.

Created by the delegator for their own roles, or by an administrator for anyone; revoked by the
delegator or an administrator (the delegate asks either: a delegation is the delegator's
decision). Nothing ends one at its end date: every check reads `ends_at` against the clock, so
an ended delegation lends nothing from that instant on.
"""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Connection, Select, bindparam, or_, select
from sqlalchemy.orm import selectinload

from engine.clock import MARTINIQUE, local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted, Reason
from engine.models import DELEGABLE, ROLES, Delegation, DelegationRole, User, UserRole
from engine.rules.policy import Actor, Delegated, inactive_reason
from engine.services.users import audit_user_event

# A delegation covers an absence, not a change of job: that is a change of roles.
LONGEST = timedelta(days=366)


def acting(conn: Connection, actor: Actor, now: datetime) -> Actor:
    """Return the actor with the capacities lent to them at `now`, read in one statement: each
    delegation not revoked, begun and not ended, of an active delegator, for the roles the
    delegator still holds."""
    if actor.id is None or not actor.active:
        return actor
    lent: dict[int, list] = {}
    for row in conn.execute(_active_statement(), {"delegate_id": actor.id, "now": now}):
        lent.setdefault(row.id, []).append(row)
    delegations = tuple(
        Delegated(
            rows[0].id,
            rows[0].delegator_id,
            rows[0].email,
            frozenset(r.role for r in rows),
            rows[0].organisation_id,
            rows[0].name,
        )
        for _, rows in sorted(lent.items())
    )
    return replace(actor, delegations=delegations) if delegations else actor


@cache
def _active_statement() -> Select:
    d, r = Delegation.__table__, DelegationRole.__table__
    u, held = User.__table__, UserRole.__table__
    return (
        select(d.c.id, d.c.delegator_id, u.c.email, u.c.name, u.c.organisation_id, r.c.role)
        .join(r, r.c.delegation_id == d.c.id)
        .join(u, (u.c.id == d.c.delegator_id) & u.c.active)
        .join(held, (held.c.user_id == d.c.delegator_id) & (held.c.role == r.c.role))
        .where(
            d.c.delegate_id == bindparam("delegate_id"),
            d.c.ends_at > bindparam("now"),
            d.c.starts_at <= bindparam("now"),
            d.c.revoked_at.is_(None),
        )
    )


def create_delegation(
    uow: UnitOfWork,
    actor: Actor,
    *,
    delegator_id: int | None,
    delegate_id: int | None,
    roles: list[str],
    starts: date | datetime | None,
    ends: date | datetime | None,
) -> Delegation:
    """Lend some of the delegator's roles to the delegate from `starts` until `ends` (days are
    Martinique days, the last one included); by the delegator or an administrator. Audited."""
    uow.begin_write()
    _ensure_active(actor)
    delegator_id = actor.id if delegator_id is None else delegator_id
    if delegator_id != actor.id and "admin" not in actor.roles:
        raise NotPermitted(
            Reason("role_required", "Seul un administrateur délègue les rôles d'un autre.")
        )
    session, now = uow.session, uow.clock()
    delegator = session.get(User, delegator_id) if isinstance(delegator_id, int) else None
    if delegator is None:
        raise InvalidInput({"delegator_id": ["Compte inconnu."]})
    delegate = session.get(User, delegate_id) if isinstance(delegate_id, int) else None
    starts_at, ends_at = _instant(starts, end=False), _instant(ends, end=True)
    errors = _errors(delegator, delegate, roles, starts_at, ends_at, now)
    if errors:
        raise InvalidInput(errors)
    delegation = Delegation(
        delegator=delegator,
        delegate=delegate,
        starts_at=starts_at,
        ends_at=ends_at,
        created_at=now,
        created_by_id=actor.id,
        role_rows=[DelegationRole(role=r) for r in sorted(set(roles))],
    )
    session.add(delegation)
    session.flush()
    _audit(uow, actor, delegation, "delegation_create", delegator, delegate)
    uow.commit()
    return delegation


def revoke_delegation(uow: UnitOfWork, actor: Actor, delegation_id: int) -> Delegation:
    """End a delegation now (or cancel one not begun): by its delegator or an administrator."""
    uow.begin_write()
    _ensure_active(actor)
    delegation = _visible(uow, actor, delegation_id)
    if actor.id != delegation.delegator_id and "admin" not in actor.roles:
        raise NotPermitted(
            Reason(
                "role_required",
                "Seul le délégant ou un administrateur met fin à une délégation.",
            )
        )
    now = uow.clock()
    if delegation.status(now) in ("revoked", "ended"):
        raise InvalidInput({"delegation": ["Cette délégation est déjà terminée."]})
    delegation.revoked_at, delegation.revoked_by_id = now, actor.id
    uow.session.flush()
    _audit(uow, actor, delegation, "delegation_revoke", delegation.delegator, delegation.delegate)
    uow.commit()
    return delegation


def list_delegations(uow: UnitOfWork, actor: Actor, *, everyone: bool = False) -> list[Delegation]:
    """The delegations the actor gave or received, newest first; every one for an administrator
    who asks `everyone`. Delegator, delegate and roles are loaded with them (no query per row)."""
    _ensure_active(actor)
    stmt = (
        select(Delegation)
        .options(selectinload(Delegation.delegator), selectinload(Delegation.delegate))
        .order_by(Delegation.starts_at.desc(), Delegation.id.desc())
    )
    if everyone:
        if "admin" not in actor.roles:
            raise NotPermitted(Reason("role_required", "Action réservée aux administrateurs."))
    else:
        stmt = stmt.where(
            or_(Delegation.delegator_id == actor.id, Delegation.delegate_id == actor.id)
        )
    return list(uow.session.scalars(stmt))


def get_delegation(uow: UnitOfWork, actor: Actor, delegation_id: int) -> Delegation:
    """A delegation its delegator, its delegate or an administrator may read."""
    _ensure_active(actor)
    return _visible(uow, actor, delegation_id)


def delegable_roles(user: User) -> list[str]:
    """The roles `user` may lend, in the roles' order."""
    return [r for r in ROLES if r in DELEGABLE and r in user.roles]


def _visible(uow: UnitOfWork, actor: Actor, delegation_id: int) -> Delegation:
    found = uow.session.get(Delegation, delegation_id) if isinstance(delegation_id, int) else None
    if found is None or (
        actor.id not in (found.delegator_id, found.delegate_id) and "admin" not in actor.roles
    ):
        raise NotFound()
    return found


def _ensure_active(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())


def _instant(value: date | datetime | None, *, end: bool) -> datetime | None:
    """A day's first instant in Martinique (the day after's, for an end day); an aware instant
    as is; None for anything else, or a year out of 2000–2999 (no overflow at the ends)."""
    if value is None or not 2000 <= value.year <= 2999:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time(), MARTINIQUE)


def _errors(delegator, delegate, roles, starts_at, ends_at, now) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if delegate is None:
        errors["delegate_id"] = ["Choisissez la personne à qui déléguer."]
    elif delegate.id == delegator.id:
        errors["delegate_id"] = ["On ne se délègue pas ses propres rôles."]
    elif not delegate.active:
        errors["delegate_id"] = ["Ce compte est désactivé."]
    lendable = delegable_roles(delegator)
    if not roles or not set(roles) <= set(lendable):
        errors["roles"] = [_roles_message(lendable)]
    if starts_at is None:
        errors["starts_at"] = ["Date de début attendue (entre 2000 et 2999)."]
    elif starts_at < local(now).replace(hour=0, minute=0, second=0, microsecond=0):
        errors["starts_at"] = ["Une délégation ne commence pas dans le passé."]
    if ends_at is None:
        errors["ends_at"] = ["Date de fin attendue (entre 2000 et 2999)."]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = ["La fin doit suivre le début."]
    elif starts_at is not None and ends_at - starts_at > LONGEST:
        errors["ends_at"] = ["Une délégation dure au plus un an : au-delà, changez les rôles."]
    return errors


def _roles_message(lendable: list[str]) -> str:
    if not lendable:
        return "Ce compte n'a aucun rôle à déléguer (porteur, COTECH ou COPIL)."
    names = ", ".join(ROLES[r] for r in lendable)
    return f"Cochez au moins un rôle parmi ceux du délégant : {names}."


def _audit(uow, actor, delegation: Delegation, action: str, delegator, delegate) -> None:
    """Audit on the delegator's account: who, to whom, which roles, when."""
    data = {
        "delegation": delegation.id,
        "delegate": delegate.id,
        "delegate_email": delegate.email,
        "roles": sorted(delegation.roles),
        "starts_at": delegation.starts_at,
        "ends_at": delegation.ends_at,
    }
    audit_user_event(uow, actor, delegator, action, data=data)

"""Who is told: the active users a notification goes to, resolved from roles or organisations.

Each function runs one query, whatever the number of roles or organisations asked for, so a
producer resolving the recipients of a batch of events does not query once per event. Roles are
plain strings ("cotech", "copil", "secretary", "admin", and any role added later, such as
"coordinator"); a role nobody holds resolves to no one. Inactive users are never recipients.

Given an instant `at` (the producer's clock), a role's recipients include the delegates it is
lent to at that instant (docs/architecture.md, "Delegation"): delegations begun, not ended, not
revoked, of an active delegator who still holds the role; the owners of an organisation include
the delegates an owner of it lent `owner` to. Only the lendable roles (`DELEGABLE`) are ever
lent, so an administrator's or a secretary's mail never goes to a delegate. Each person is
listed once per role or organisation, however many ways they hold it. Without `at`, only the
holders themselves.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from engine.models.delegation import Delegation, DelegationRole
from engine.models.meeting import Meeting, MeetingMember
from engine.models.user import User, UserRole

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"

_user = User.__table__
_role = UserRole.__table__
_meeting = Meeting.__table__
_member = MeetingMember.__table__
_delegation = Delegation.__table__
_lent = DelegationRole.__table__
_delegator = _user.alias("delegator")


@dataclass(frozen=True)
class Recipient:
    """An active user to write to: the address, the language (always "fr" or "en": the user's
    choice, French when none) and how often they want to be told (immediate, daily, weekly)."""

    id: int
    email: str
    name: str
    locale: str
    frequency: str

    @property
    def held(self) -> bool:
        """Whether their messages wait for a digest instead of being sent one by one."""
        return self.frequency != "immediate"


def _columns():
    return (
        _user.c.id,
        _user.c.email,
        _user.c.name,
        _user.c.locale,
        _user.c.notification_frequency,
    )


def _recipient(row) -> Recipient:
    locale = row.locale if row.locale in LOCALES else DEFAULT_LOCALE
    return Recipient(row.id, row.email, row.name, locale, row.notification_frequency)


def _lent_at(at: datetime):
    """(role, delegate_id, delegator_id) of the delegations lending a role at `at`: begun, not
    ended, not revoked, from an active delegator who still holds the role."""
    return (
        select(_lent.c.role, _delegation.c.delegate_id, _delegation.c.delegator_id)
        .join(_lent, _lent.c.delegation_id == _delegation.c.id)
        .join(_delegator, (_delegator.c.id == _delegation.c.delegator_id) & _delegator.c.active)
        .join(
            _role,
            (_role.c.user_id == _delegation.c.delegator_id) & (_role.c.role == _lent.c.role),
        )
        .where(
            _delegation.c.starts_at <= at,
            _delegation.c.ends_at > at,
            _delegation.c.revoked_at.is_(None),
        )
    )


def _holders(wanted: list[str], at: datetime | None):
    """(role, user_id) of who holds each wanted role: themselves, or lent it at `at`; one row
    per pair (UNION)."""
    own = select(_role.c.role, _role.c.user_id).where(_role.c.role.in_(wanted))
    if at is None:
        return own.subquery()
    lent = _lent_at(at).subquery()
    delegated = select(lent.c.role, lent.c.delegate_id).where(lent.c.role.in_(wanted))
    return own.union(delegated).subquery()


def with_roles(
    conn: Connection | Session, roles: Iterable[str], at: datetime | None = None
) -> list[Recipient]:
    """Return the active users holding any of `roles` (or lent one at `at`), each once, by id."""
    found = with_roles_by_role(conn, roles, at)
    once = {person.id: person for people in found.values() for person in people}
    return [once[i] for i in sorted(once)]


def with_roles_by_role(
    conn: Connection | Session, roles: Iterable[str], at: datetime | None = None
) -> dict[str, list[Recipient]]:
    """Return, for each of `roles`, the active users holding it or lent it at `at`, each once,
    by id (a user holding two of the roles is under both); a role nobody holds maps to an
    empty list."""
    wanted = sorted(set(roles))
    found: dict[str, list[Recipient]] = {role: [] for role in wanted}
    if not wanted:
        return found
    holders = _holders(wanted, at)
    query = (
        select(holders.c.role, *_columns())
        .join(_user, _user.c.id == holders.c.user_id)
        .where(_user.c.active.is_(True))
        .order_by(holders.c.role, _user.c.id)
    )
    for row in conn.execute(query):
        found[row.role].append(_recipient(row))
    return found


def owners_of(
    conn: Connection | Session, organisation_id: int, at: datetime | None = None
) -> list[Recipient]:
    """Return the active owners (role "owner") of the organisation, by id."""
    return owners_by_organisation(conn, [organisation_id], at).get(organisation_id, [])


def owners_by_organisation(
    conn: Connection | Session, organisation_ids: Iterable[int], at: datetime | None = None
) -> dict[int, list[Recipient]]:
    """Return the active owners of each organisation asked for, and the delegates an owner of
    it lent `owner` to at `at`, each once, by id; an organisation without one maps to an empty
    list."""
    wanted = sorted({i for i in organisation_ids if i is not None})
    found: dict[int, list[Recipient]] = {i: [] for i in wanted}
    if not wanted:
        return found
    owner = _role.alias("owner_role")
    own = select(_user.c.organisation_id, _user.c.id.label("user_id")).join(
        owner, (owner.c.user_id == _user.c.id) & (owner.c.role == "owner")
    )
    own = own.where(_user.c.organisation_id.in_(wanted))
    if at is not None:
        lent = _lent_at(at).where(_lent.c.role == "owner").subquery()
        by = _user.alias("lender")
        own = own.union(
            select(by.c.organisation_id, lent.c.delegate_id)
            .join(by, by.c.id == lent.c.delegator_id)
            .where(by.c.organisation_id.in_(wanted))
        )
    people = own.subquery()
    query = (
        select(people.c.organisation_id, *_columns())
        .join(_user, _user.c.id == people.c.user_id)
        .where(_user.c.active.is_(True))
        .order_by(people.c.organisation_id, _user.c.id)
    )
    for row in conn.execute(query):
        found[row.organisation_id].append(_recipient(row))
    return found


def members_of_meetings(
    conn: Connection | Session, meeting_ids: Iterable[int]
) -> dict[int, list[Recipient]]:
    """Return, for each meeting asked for, its active convened members and its secretary, each
    once, by id; a meeting without any maps to an empty list."""
    wanted = sorted({i for i in meeting_ids if i is not None})
    found: dict[int, list[Recipient]] = {i: [] for i in wanted}
    if not wanted:
        return found
    people = (
        select(_member.c.meeting_id, _member.c.user_id)
        .where(_member.c.meeting_id.in_(wanted))
        .union(select(_meeting.c.id, _meeting.c.secretary_id).where(_meeting.c.id.in_(wanted)))
        .subquery()
    )
    query = (
        select(people.c.meeting_id, *_columns())
        .join(_user, _user.c.id == people.c.user_id)
        .where(_user.c.active.is_(True))
        .order_by(people.c.meeting_id, _user.c.id)
    )
    for row in conn.execute(query):
        found[row.meeting_id].append(_recipient(row))
    return found


def users_of_organisations(
    conn: Connection | Session, organisation_ids: Iterable[int]
) -> dict[int, list[Recipient]]:
    """Return the active users of each organisation asked for, whatever their roles (a
    service asked for an opinion: any of its people may answer), by id; never a delegate."""
    wanted = sorted({i for i in organisation_ids if i is not None})
    found: dict[int, list[Recipient]] = {i: [] for i in wanted}
    if not wanted:
        return found
    query = (
        select(_user.c.organisation_id, *_columns())
        .where(_user.c.organisation_id.in_(wanted), _user.c.active.is_(True))
        .order_by(_user.c.organisation_id, _user.c.id)
    )
    for row in conn.execute(query):
        found[row.organisation_id].append(_recipient(row))
    return found

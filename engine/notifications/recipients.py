"""Who is told: the active users a notification goes to, resolved from roles or organisations.

Each function runs one query, whatever the number of roles or organisations asked for, so a
producer resolving the recipients of a batch of events does not query once per event. Roles are
plain strings ("cotech", "copil", "secretary", "admin", and any role added later, such as
"coordinator"); a role nobody holds resolves to no one. Inactive users are never recipients.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from engine.models.meeting import Meeting, MeetingMember
from engine.models.user import User, UserRole

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"

_user = User.__table__
_role = UserRole.__table__
_meeting = Meeting.__table__
_member = MeetingMember.__table__


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


def with_roles(conn: Connection | Session, roles: Iterable[str]) -> list[Recipient]:
    """Return the active users holding any of `roles`, each once, by id."""
    wanted = sorted(set(roles))
    if not wanted:
        return []
    has_role = select(_role.c.user_id).where(_role.c.role.in_(wanted))
    query = (
        select(*_columns())
        .where(_user.c.active.is_(True), _user.c.id.in_(has_role))
        .order_by(_user.c.id)
    )
    return [_recipient(row) for row in conn.execute(query)]


def with_roles_by_role(
    conn: Connection | Session, roles: Iterable[str]
) -> dict[str, list[Recipient]]:
    """Return, for each of `roles`, the active users holding it, by id (a user holding two of
    the roles is under both); a role nobody holds maps to an empty list."""
    wanted = sorted(set(roles))
    found: dict[str, list[Recipient]] = {role: [] for role in wanted}
    if not wanted:
        return found
    query = (
        select(_role.c.role, *_columns())
        .join(_user, _user.c.id == _role.c.user_id)
        .where(_user.c.active.is_(True), _role.c.role.in_(wanted))
        .order_by(_role.c.role, _user.c.id)
    )
    for row in conn.execute(query):
        found[row.role].append(_recipient(row))
    return found


def owners_of(conn: Connection | Session, organisation_id: int) -> list[Recipient]:
    """Return the active owners (role "owner") of the organisation, by id."""
    return owners_by_organisation(conn, [organisation_id]).get(organisation_id, [])


def owners_by_organisation(
    conn: Connection | Session, organisation_ids: Iterable[int]
) -> dict[int, list[Recipient]]:
    """Return the active owners of each organisation asked for, by id; an organisation without
    one maps to an empty list."""
    wanted = sorted({i for i in organisation_ids if i is not None})
    found: dict[int, list[Recipient]] = {i: [] for i in wanted}
    if not wanted:
        return found
    query = (
        select(_user.c.organisation_id, *_columns())
        .where(
            _user.c.active.is_(True),
            _user.c.organisation_id.in_(wanted),
            _user.c.id.in_(select(_role.c.user_id).where(_role.c.role == "owner")),
        )
        .order_by(_user.c.organisation_id, _user.c.id)
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

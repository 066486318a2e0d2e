"""The meeting form (plan, edit): what was typed, kept as text, and what the engine receives.

The date is typed jj/mm/aaaa and the time hh:mm (or 14h30), both in Martinique time, as the
other forms read local dates; the members are the committee's active members, as checkboxes.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.clock import MARTINIQUE, local
from engine.french.inputs import FrenchInputError, date_text, parse_date
from engine.models import COMMITTEES, Meeting, User
from engine.services.meetings import DEFAULT_QUORUM
from engine.services.meetings.access import SECRETARIES

_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")
TEXTS = ("committee", "title", "day", "hour", "place", "secretary_id", "quorum_rule")


@dataclass
class MeetingForm:
    """The values as typed, the members ticked (per committee), the errors by field."""

    values: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def ticked(self, committee: str) -> list[str]:
        return self.members.get(committee, [])


def blank_form(secretary_id: int) -> MeetingForm:
    return MeetingForm(
        {"committee": "copil", "secretary_id": str(secretary_id), "quorum_rule": DEFAULT_QUORUM}
    )


def form_from_meeting(meeting: Meeting) -> MeetingForm:
    starts = local(meeting.starts_at)
    values = {
        "committee": meeting.committee,
        "title": meeting.title,
        "day": date_text(starts.date()),
        "hour": starts.strftime("%H:%M"),
        "place": meeting.place or "",
        "secretary_id": str(meeting.secretary_id),
        "quorum_rule": meeting.quorum_rule,
    }
    return MeetingForm(values, {meeting.committee: [str(m.user_id) for m in meeting.members]})


def form_from_request(form: MultiDict) -> MeetingForm:
    values = {name: form.get(name, "").strip() for name in TEXTS}
    return MeetingForm(values, {c: form.getlist(f"members_{c}") for c in COMMITTEES})


def engine_data(form: MeetingForm, committee: str) -> dict[str, Any]:
    """What the services receive; the fields it could not read go into `form.errors`."""
    return {
        "title": form.value("title"),
        "starts_at": _starts_at(form),
        "place": form.value("place"),
        "member_ids": [_int(i) for i in form.ticked(committee) if _int(i) is not None],
    }


def plan_data(form: MeetingForm) -> dict[str, Any]:
    committee = form.value("committee")
    data = engine_data(form, committee)
    data.update(
        committee=committee,
        secretary_id=_int(form.value("secretary_id")),
        quorum_rule=form.value("quorum_rule"),
    )
    return data


def _starts_at(form: MeetingForm) -> datetime | None:
    try:
        day = parse_date(form.value("day"))
    except FrenchInputError as exc:
        form.errors["day"] = [_(str(exc))]
        day = None
    else:
        if day is None:
            form.errors["day"] = [_("Indiquez le jour de la séance (jj/mm/aaaa).")]
    hour = _time(form.value("hour"))
    if hour is None:
        form.errors["hour"] = [
            _("Heure attendue au format hh:mm (ex. 09:30), heure de Martinique.")
        ]
    if day is None or hour is None:
        return None
    return datetime.combine(day, hour, MARTINIQUE)


def _time(text: str) -> time | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 9 else None


def place_errors(form: MeetingForm, errors: dict[str, list[str]]) -> None:
    """Put the engine's refusals beside their field (starts_at beside the day)."""
    fields = {"starts_at": "day", "member_ids": "members"}
    for key, messages in errors.items():
        if key == "starts_at" and ("day" in form.errors or "hour" in form.errors):
            continue  # the form already says what it could not read
        name = fields.get(key, key)
        known = form.errors.setdefault(name if name in (*TEXTS, "members") else "_form", [])
        known.extend(m for m in messages if m not in known)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


def committee_members(session: Session) -> dict[str, list[Person]]:
    """The active members of each committee, by name."""
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    return {
        code: [Person(u.id, u.name, u.email) for u in users if code in u.roles]
        for code in COMMITTEES
    }


def secretaries(session: Session) -> list[Person]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    return [Person(u.id, u.name, u.email) for u in users if SECRETARIES & u.roles]

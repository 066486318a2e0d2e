"""A meeting's page, as every view of the blueprint renders it: the meeting, what the signed-in
user may do on it, what its next step needs, and a form sent back with its errors."""

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from sqlalchemy.orm import selectinload

from engine.errors import NotFound
from engine.models import Meeting, MeetingItem
from engine.records.registry import RECORD_TYPES
from engine.services.meetings import proposed_records, quorum_of
from engine.services.meetings.access import SECRETARIES
from web.context import actor, reading
from web.ui.meetings.blueprint import KIND
from web.ui.meetings.labels import labels
from web.ui.meetings.steps import next_steps
from web.ui.records import read_facts, record_parts, record_url

# The transitions of a meeting its page fires through the generic form; closing has its own
# page (the dry run first) and the minutes theirs.
PAGE_TRANSITIONS = ("convene", "cancel")


@dataclass
class Posted:
    """A form of the page sent back: which one, what was typed, what was wrong."""

    form: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, form: str, name: str, default: Any = "") -> Any:
        return self.values.get(name, default) if form == self.form else default

    def errors_of(self, form: str, name: str = "_form") -> list[str]:
        return self.errors.get(name, []) if form == self.form else []

    def any_errors(self, form: str) -> bool:
        return form == self.form and bool(self.errors)


@dataclass(frozen=True)
class Proposal:
    """A record proposed to the committee and on no open agenda: one click puts it on this one."""

    kind: str
    id: int
    reference: str
    title: str
    url: str


def load_meeting(meeting_id: int) -> Meeting:
    meeting = reading().session.get(
        Meeting,
        meeting_id,
        options=(
            selectinload(Meeting.items).selectinload(MeetingItem.recusals),
            selectinload(Meeting.members),
        ),
    )
    if meeting is None:
        raise NotFound()
    return meeting


def may_act() -> bool:
    me = actor()
    return me.active and bool(SECRETARIES & me.roles)


def show_page(meeting_id: int, posted: Posted | None = None, **record_posted):
    """Render a meeting's page; `posted` refills the form sent back and shows its errors."""
    facts, workflow = read_facts(KIND, meeting_id)
    meeting = load_meeting(meeting_id)
    parts = record_parts(KIND, facts, workflow, **record_posted)
    panel = parts["panel"]
    panel.choices = [c for c in panel.choices if c.name in PAGE_TRANSITIONS]
    secretary = may_act()
    proposals = _proposals() if secretary and meeting.state in ("planned", "convened") else []
    return render_template(
        "ui/meeting/show.html",
        meeting=meeting,
        quorum=quorum_of(meeting),
        item_quorum={i.id: quorum_of(meeting, i) for i in meeting.items},
        recused={i.id: {r.user_id for r in i.recusals} for i in meeting.items},
        may_act=secretary,
        proposals=proposals if meeting.committee == "copil" else [],
        steps=next_steps(meeting, len(proposals)),
        posted=posted or Posted(),
        record_url=record_url,
        **labels(),
        **parts,
    )


def _proposals() -> list[Proposal]:
    session = reading().session
    found = []
    for ref in proposed_records(reading()):
        record = session.get(RECORD_TYPES[ref.kind].model, ref.id)
        found.append(
            Proposal(ref.kind, ref.id, record.reference, record.title, record_url(ref.kind, ref.id))
        )
    return found

"""Committee meetings (séances): the calendar, and each meeting's page — who is convened and how
they attend, the agenda with its recusals and decisions, what closing it would do."""

from flask import Blueprint, render_template
from sqlalchemy import select

from engine.errors import NotFound
from engine.models import ATTENDANCE, OUTCOMES, Meeting
from engine.services.meetings import quorum_of
from web.context import reading, workflows
from web.ui.common import signin_required
from web.ui.records import record_url

blueprint = signin_required(Blueprint("meeting", __name__))


@blueprint.get("/seances")
def index():
    session = reading().session
    meetings = session.scalars(select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id))
    return render_template(
        "ui/meeting/index.html",
        meetings=list(meetings),
        states=workflows().current("meeting").states,
    )


@blueprint.get("/seances/<int(max=2147483647):meeting_id>")
def show(meeting_id: int):
    meeting = reading().session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound()
    return render_template(
        "ui/meeting/show.html",
        meeting=meeting,
        state=_workflow(meeting).states[meeting.state],
        quorum=quorum_of(meeting),
        attendance=ATTENDANCE,
        outcomes=OUTCOMES,
        record_url=record_url,
    )


def _workflow(meeting: Meeting):
    return workflows().get(meeting.workflow_name, meeting.workflow_version)

"""A meeting's documents on the web: its convocation and attendance sheet as PDF, and its
minutes (procès-verbal) — the page where the secretary edits and approves them, and their PDF."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.documents import attendance_sheet_document, convocation_document, minutes_document
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Meeting
from engine.services.documents import issue_document
from engine.services.meetings import (
    approve_minutes,
    check_minutes,
    edit_minutes,
    later_meetings,
    minutes_text,
)
from engine.services.meetings.access import SECRETARIES, WHOLE
from web.context import actor, reading, workflows, writing
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("meeting_documents", __name__))
ID = "<int(max=2147483647):meeting_id>"
WRITTEN = ("held", "minutes_approved")


@blueprint.get(f"/seances/{ID}/convocation.pdf")
def convocation(meeting_id: int):
    return _pdf(convocation_document, meeting_id)


@blueprint.get(f"/seances/{ID}/feuille-emargement.pdf")
def attendance_sheet(meeting_id: int):
    return _pdf(attendance_sheet_document, meeting_id)


@blueprint.get(f"/seances/{ID}/proces-verbal.pdf")
def minutes_pdf(meeting_id: int):
    return _pdf(minutes_document, meeting_id)


@blueprint.get(f"/seances/{ID}/proces-verbal")
def minutes(meeting_id: int):
    return _minutes_page(meeting_id)


@blueprint.post(f"/seances/{ID}/proces-verbal")
def edit(meeting_id: int):
    form = request.form
    try:
        with writing() as work:
            edit_minutes(work, actor(), meeting_id, form.get("text", ""), _version(form))
    except (InvalidInput, Conflict) as refused:
        return _refused(meeting_id, refused, "text")
    flash(_("Le procès-verbal a été enregistré."), "success")
    return redirect(url_for(".minutes", meeting_id=meeting_id))


@blueprint.post(f"/seances/{ID}/proces-verbal/approbation")
def approve(meeting_id: int):
    form = request.form
    at = form.get("at_meeting_id", "")
    try:
        with writing() as work:
            approve_minutes(
                work,
                actor(),
                meeting_id,
                at_meeting_id=int(at) if at.isdigit() and len(at) <= 9 else None,
                expected_version=_version(form),
            )
    except (InvalidInput, Conflict) as refused:
        return _refused(meeting_id, refused, "at_meeting_id")
    flash(_("Le procès-verbal est approuvé : son empreinte est inscrite au journal."), "success")
    return redirect(url_for(".minutes", meeting_id=meeting_id))


def _version(form) -> int | None:
    value = form.get("version", "")
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _refused(meeting_id: int, refused: InvalidInput | Conflict, field: str):
    """The page again, the refusal beside the field and what was typed kept."""
    if isinstance(refused, InvalidInput):
        errors = {field if key == "version" else key: msgs for key, msgs in refused.errors.items()}
        status = 422
    else:
        errors, status = {field: [refused.message]}, 409
    return _minutes_page(meeting_id, errors=errors, posted=request.form), status


def _pdf(build, meeting_id: int) -> Response:
    """Hand out one of the meeting's documents as PDF, audited as a print."""
    document = build(reading(), actor(), meeting_id)
    content = issue_document(reading(), actor(), document, "pdf")
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{document.filename}.pdf"'},
    )


def _minutes_page(meeting_id: int, errors: dict | None = None, posted=None) -> str:
    uow = reading()
    meeting = uow.session.get(Meeting, meeting_id, options=WHOLE)
    if meeting is None:
        raise NotFound()
    written = meeting.state in WRITTEN
    workflow = workflows().get(meeting.workflow_name, meeting.workflow_version)
    return render_template(
        "ui/meeting/minutes.html",
        meeting=meeting,
        state=workflow.states[meeting.state],
        text=minutes_text(meeting) if written else None,
        may_edit=meeting.state == "held" and bool(SECRETARIES & actor().roles),
        later=later_meetings(uow, meeting) if meeting.state == "held" else [],
        check=check_minutes(uow, meeting.id) if meeting.state == "minutes_approved" else None,
        errors=errors or {},
        posted=posted or {},
    )

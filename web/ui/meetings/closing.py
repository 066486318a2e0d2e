"""Closing a meeting: the dry run's report first, item by item, then the close confirmed."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from engine.errors import Conflict
from engine.services.meetings import CloseReport, MeetingNotReady, close_meeting
from web.context import actor, writing
from web.ui.common import roles_required
from web.ui.meetings.blueprint import KIND, blueprint
from web.ui.meetings.labels import labels
from web.ui.meetings.page import load_meeting
from web.ui.records import conflict_details, read_facts

ID = "<int(max=2147483647):meeting_id>"


@blueprint.get(f"/seances/{ID}/cloture")
@roles_required("secretary", "admin")
def dry_run(meeting_id: int):
    facts, _workflow = read_facts(KIND, meeting_id)
    try:
        with writing() as work:
            report = close_meeting(work, actor(), meeting_id, dry_run=True)
    except Conflict as exc:  # not convened (any more): say so, with the page's state
        return _report_page(meeting_id, None, facts.version, conflict=exc), 409
    return _report_page(meeting_id, report, facts.version)


@blueprint.post(f"/seances/{ID}/cloture")
@roles_required("secretary", "admin")
def close(meeting_id: int):
    version = request.form.get("version", "")
    if not version.isdigit() or len(version) > 9:
        abort(400)
    try:
        with writing() as work:
            report = close_meeting(work, actor(), meeting_id, expected_version=int(version))
    except MeetingNotReady as exc:
        return _report_page(meeting_id, exc.report, int(version), refused=True), 422
    except Conflict as exc:
        facts, _workflow = read_facts(KIND, meeting_id)
        return _report_page(meeting_id, None, facts.version, conflict=exc), 409
    applied = sum(1 for item in report.items if item.applies)
    message = ngettext(
        "Séance %(reference)s clôturée : %(num)d décision appliquée.",
        "Séance %(reference)s clôturée : %(num)d décisions appliquées.",
        applied,
        reference=report.meeting,
    )
    flash(message, "success")
    return redirect(url_for("meeting.show", meeting_id=meeting_id), 303)


def _report_page(
    meeting_id: int,
    report: CloseReport | None,
    version: int,
    *,
    refused: bool = False,
    conflict: Conflict | None = None,
):
    details = conflict_details(KIND, meeting_id, conflict) if conflict is not None else None
    return render_template(
        "ui/meeting/close.html",
        meeting=load_meeting(meeting_id),
        report=report,
        version=version,
        refused=refused,
        conflict=details,
        conflict_message=conflict.message if conflict is not None else "",
        **labels(),
    )

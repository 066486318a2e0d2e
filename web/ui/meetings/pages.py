"""The calendar, a meeting's page, planning a meeting and editing it, its transitions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine.errors import Conflict, InvalidInput
from engine.models import COMMITTEES, Meeting
from engine.services.meetings import QUORUM_RULES, plan_meeting, update_meeting
from web.context import actor, reading, workflows, writing
from web.ui.common import roles_required
from web.ui.meetings.blueprint import KIND, blueprint
from web.ui.meetings.form import (
    MeetingForm,
    Person,
    blank_form,
    committee_members,
    engine_data,
    form_from_meeting,
    form_from_request,
    place_errors,
    plan_data,
    secretaries,
)
from web.ui.meetings.labels import labels
from web.ui.meetings.page import PAGE_TRANSITIONS, load_meeting, may_act, show_page
from web.ui.records import comment_from_form, conflict_details, fire_from_form, read_facts

ID = "<int(max=2147483647):meeting_id>"


@blueprint.get("/seances")
def index():
    session = reading().session
    meetings = session.scalars(select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id))
    return render_template(
        "ui/meeting/index.html",
        meetings=list(meetings),
        states=workflows().current(KIND).states,
        may_act=may_act(),
    )


@blueprint.get(f"/seances/{ID}")
def show(meeting_id: int):
    return show_page(meeting_id)


@blueprint.route("/seances/nouvelle", methods=["GET", "POST"])
@roles_required("secretary", "admin")
def new():
    if request.method == "GET":
        return _form_page(blank_form(actor().id))
    form = form_from_request(request.form)
    data = plan_data(form)
    try:
        # Unreadable fields are reported with what the engine says of the others.
        with writing() as work:
            meeting = plan_meeting(work, actor(), **data)
            reference, meeting_id = meeting.reference, meeting.id
    except InvalidInput as exc:
        place_errors(form, exc.errors)
        return _form_page(form), 422
    flash(_("Séance %(reference)s planifiée.", reference=reference), "success")
    return redirect(url_for("meeting.show", meeting_id=meeting_id), 303)


@blueprint.route(f"/seances/{ID}/modifier", methods=["GET", "POST"])
@roles_required("secretary", "admin")
def edit(meeting_id: int):
    facts, _workflow = read_facts(KIND, meeting_id)
    meeting = load_meeting(meeting_id)
    if request.method == "GET":
        return _form_page(form_from_meeting(meeting), meeting=meeting, version=facts.version)
    version = _posted_version()
    form = form_from_request(request.form)
    form.values["committee"] = meeting.committee
    data = engine_data(form, meeting.committee)
    try:
        with writing() as work:
            update_meeting(work, actor(), meeting_id, expected_version=version, **data)
    except InvalidInput as exc:
        place_errors(form, exc.errors)
        return _form_page(form, meeting=meeting, version=version), 422
    except Conflict as exc:
        # The user's input stays; saving again applies it over the version now current.
        details = conflict_details(KIND, meeting_id, exc)
        current = exc.current_version or details["facts"].version
        page = _form_page(form, meeting=meeting, version=current, conflict=details)
        return page, 409
    flash(_("Séance modifiée."), "success")
    return redirect(url_for("meeting.show", meeting_id=meeting_id), 303)


def _posted_version() -> int:
    value = request.form.get("version", "")
    if not value.isdigit() or len(value) > 9:
        abort(400)
    return int(value)


def _form_page(form: MeetingForm, *, meeting=None, version=None, conflict=None):
    session = reading().session
    members = committee_members(session)
    if meeting is not None:
        # A member convened who has since left the committee is still listed, to keep or remove.
        listed = {p.id for p in members[meeting.committee]}
        members[meeting.committee] += [
            Person(m.user_id, m.user.name, m.user.email)
            for m in meeting.members
            if m.user_id not in listed
        ]
    return render_template(
        "ui/meeting/form.html",
        form=form,
        meeting=meeting,
        version=version,
        conflict=conflict,
        committees=COMMITTEES,
        members=members,
        secretaries=secretaries(session),
        rules=QUORUM_RULES,
        **labels(),
    )


@blueprint.post(f"/seances/{ID}/transitions/<name>")
def transition(meeting_id: int, name: str):
    if name not in PAGE_TRANSITIONS:  # closing and the minutes have pages of their own
        abort(404)
    return fire_from_form(KIND, meeting_id, name, lambda **p: show_page(meeting_id, **p))


@blueprint.post(f"/seances/{ID}/commentaires")
def comment(meeting_id: int):
    return comment_from_form(KIND, meeting_id, lambda **p: show_page(meeting_id, **p))

"""The « Avis » and « Notes du comité » sections of the scheme and pooling pages, and the forms
that ask an opinion and add a note (answering and withdrawing are in web/ui/opinions.py).

Owners of the record see neither section: the engine gives them no opinion and no note."""

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.french.inputs import FrenchInputError, parse_date
from engine.models import VERDICTS
from engine.models.opinion import VERDICTS_EN
from engine.records.registry import RecordFacts
from engine.services.committee_notes import add_note, may_read_notes, may_write_notes, notes_of
from engine.services.common import RecordRef
from engine.services.opinions import (
    OpinionRequest,
    expert_organisations,
    expert_people,
    is_committee,
    may_answer,
    may_request,
    opinions_of,
    request_opinion,
    today,
)
from web.context import actor, reading, workflows, writing

OPINION_FIELDS = ("expert_organisation_id", "expert_user_id", "question", "due_on")


def opinion_parts(kind: str, facts: RecordFacts, **posted) -> dict[str, Any]:
    """What the two sections need: the opinions and notes the user may read, and the forms."""
    who, work = actor(), reading()
    ref = RecordRef(kind, facts.id)
    opinions = opinions_of(work, ref, who)
    can_request = may_request(who)
    return {
        "opinions": opinions,
        "show_opinions": is_committee(who) or bool(opinions),
        "opinion_states": workflows().current("opinion").states,
        "verdicts": VERDICTS,
        "verdicts_en": VERDICTS_EN,
        "answerable": {o.id for o in opinions if may_answer(who, o)},
        "can_request_opinion": can_request,
        "can_withdraw_opinion": can_request,
        "expert_choices": expert_organisations(work) if can_request else [],
        "expert_people": expert_people(work) if can_request else [],
        "opinion_form": posted.get("opinion_form", {}),
        "opinion_errors": posted.get("opinion_errors", {}),
        "today": today(work),
        "notes": notes_of(work, ref, who) if may_read_notes(who) else None,
        "can_write_notes": may_write_notes(who),
        "note_text": posted.get("note_text", ""),
        "note_errors": posted.get("note_errors", []),
    }


def _posted_id(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 12 else -1


def request_from_form(kind: str, record_id: int, render_page):
    """Ask the posted opinion: 303 to the record's « Avis », or the page again, 422, with the
    French errors and what was typed."""
    typed = {name: request.form.get(name, "") for name in OPINION_FIELDS}
    errors: dict[str, list[str]] = {}
    try:
        due_on = parse_date(typed["due_on"])
    except FrenchInputError as exc:
        due_on, errors["due_on"] = None, [str(exc)]
    wanted = OpinionRequest(
        expert_organisation_id=_posted_id("expert_organisation_id"),
        question=typed["question"],
        due_on=due_on,
        expert_user_id=_posted_id("expert_user_id"),
    )
    try:
        with writing() as work:
            request_opinion(work, RecordRef(kind, record_id), actor(), wanted)
    except InvalidInput as exc:
        errors = {**exc.errors, **errors}
        return render_page(opinion_form=typed, opinion_errors=errors), 422
    flash(_("Avis demandé."), "success")
    return redirect(_record_page(kind, record_id, "avis"), 303)


def note_from_form(kind: str, record_id: int, render_page):
    """Add the posted committee note: 303 to the notes, or the page again with the error."""
    body = request.form.get("body", "")
    try:
        with writing() as work:
            add_note(work, RecordRef(kind, record_id), actor(), body)
    except InvalidInput as exc:
        errors = [m for messages in exc.errors.values() for m in messages]
        return render_page(note_text=body, note_errors=errors), 422
    flash(_("Note du comité ajoutée."), "success")
    return redirect(_record_page(kind, record_id, "notes-comite"), 303)


def _record_page(kind: str, record_id: int, anchor: str) -> str:
    return url_for(f"{kind}.show", **{f"{kind}_id": record_id}, _anchor=anchor)

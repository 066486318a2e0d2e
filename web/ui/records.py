"""What the scheme and pooling pages share: transitions from forms, conflicts, timeline, comments.

Every helper takes a record type ("scheme" or "pooling") and an id. The contract a record page
keeps so they work for it (the scheme blueprint "scheme" does, the pooling one "pooling" should):

- endpoints `<blueprint>.show` (`…/<int:<kind>_id>`), `<blueprint>.transition` (POST
  `…/<int:<kind>_id>/transitions/<name>`) and `<blueprint>.comment` (POST
  `…/<int:<kind>_id>/commentaires`), with the id argument named `scheme_id` / `pooling_id`;
- the show view builds its context with `record_parts(kind, facts)` (panel, events, comments,
  `seen`) and includes the partials `ui/record/_transitions.html` (needs `panel`),
  `ui/record/_timeline.html` (needs `events`) and `ui/record/_comments.html` (needs
  `comments`, `comment_url`, and optionally `comment_text`, `comment_errors`);
- its transition view returns `fire_from_form(kind, id, name, render_page)` and its comment view
  `comment_from_form(kind, id, render_page)`, where `render_page(**extra)` renders the show page
  with `extra` merged into its context (used for 422 answers: the typed text and the errors).

Engine errors not handled here (NotFound, NotPermitted) become the French error pages.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.documents.display import INPUT_LABELS, Display, field_label
from engine.documents.timeline import Event, timeline
from engine.errors import Conflict, InvalidInput, NotPermitted
from engine.french.inputs import FrenchInputError, parse_date
from engine.models import OUTCOMES
from engine.queries.notified import notices
from engine.records.registry import RECORD_TYPES, RecordFacts, record_type
from engine.rules.workflow import Workflow
from engine.services.comments import add_comment
from engine.services.common import RecordRef, ensure_visible, load_facts
from engine.services.meetings import meetings_of
from engine.services.opinions import KINDS as OPINION_KINDS
from engine.services.transitions import TransitionOption, apply_transition, available_transitions
from web.context import actor, reading, workflows, writing
from web.ui.record_opinions import opinion_parts
from web.ui.workflows import english, nouns, state_label

MEETING_REQUIRED = "meeting_required"
# A meeting that may still put a record before its committee.
OPEN_MEETING = ("planned", "convened")
# Form fields a transition form posts besides the transition's own inputs.
CONTROL_FIELDS = {"csrf_token", "version", "seen"}
# Engine labels (INPUT_LABELS) are French texts, translated when the catalogue has them.
COMMENT_LABEL = _l("Commentaire")
INPUT_HELP = {
    "comment": _l("Expliquez votre décision : ce commentaire entre au journal."),
    "decision_reference": _l("Par exemple : COPIL du 09/12/2025, décision n°3."),
    "target_date": _l("Format jj/mm/aaaa."),
    "decision_date": _l("Format jj/mm/aaaa."),
}


def record_url(kind: str, record_id: int, view: str = "show", **values) -> str:
    """Return the URL of a record page's view (show, transition, comment, edit…).

    A record type's name is its blueprint's and its id argument's stem: `scheme.show`,
    `scheme_id`; KeyError for a name that is not a record type.
    """
    name = record_type(kind).name
    return url_for(f"{name}.{view}", **{f"{name}_id": record_id}, **values)


def read_facts(kind: str, record_id: int) -> tuple[RecordFacts, Workflow]:
    """Return a record's facts and workflow for the signed-in user (NotFound when hidden)."""
    facts = load_facts(reading().connection, RECORD_TYPES[kind], record_id, lock=False)
    workflow = workflows().get(facts.workflow_name, facts.workflow_version)
    ensure_visible(workflow, facts, actor())
    return facts, workflow


@dataclass
class InputField:
    """One input of a transition form, with what was typed and what was wrong."""

    name: str
    type: str
    required: bool
    label: str
    help: str
    value: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class TransitionChoice:
    """A transition as the panel shows it: a small form when allowed, the reasons when not."""

    name: str
    label: str
    to_label: str
    allowed: bool
    url: str
    reasons: list[str]
    missing: list[str]
    inputs: list[InputField]
    errors: list[str] = field(default_factory=list)
    # Refused only because a committee decides it in session: the page says where, not why not.
    in_session: bool = False
    # Whom the user would act for (a delegation), when their own roles do not allow it.
    on_behalf_of: str | None = None


@dataclass
class Panel:
    version: int
    seen: int
    choices: list[TransitionChoice]

    @property
    def allowed(self) -> list[TransitionChoice]:
        return [c for c in self.choices if c.allowed]

    @property
    def refused(self) -> list[TransitionChoice]:
        return [c for c in self.choices if not c.allowed and not c.in_session]

    @property
    def in_session(self) -> list[TransitionChoice]:
        return [c for c in self.choices if c.in_session]


def transition_panel(
    kind: str,
    facts: RecordFacts,
    seen: int = 0,
    posted: dict[str, Any] | None = None,
) -> Panel:
    """Build the transitions panel: every transition from the state, allowed or with reasons.

    `posted` ({"name", "inputs", "errors"}) refills the form of a transition sent back with
    errors; `seen` is the last audit position the page shows (to tell what changed since).
    """
    posted = posted or {}
    choices = [
        _choice(kind, facts, option, posted if posted.get("name") == option.name else {})
        for option in available_transitions(facts, actor(), workflows())
    ]
    return Panel(facts.version, seen, choices)


def _choice(kind: str, facts: RecordFacts, option: TransitionOption, posted: dict):
    typed, errors = posted.get("inputs", {}), dict(posted.get("errors", {}))
    inputs = [
        InputField(
            spec.name,
            spec.type,
            spec.required,
            _(INPUT_LABELS[spec.name]) if spec.name in INPUT_LABELS else str(COMMENT_LABEL),
            str(INPUT_HELP.get(spec.name, "")),
            typed.get(spec.name, ""),
            errors.pop(spec.name, []),
        )
        for spec in option.inputs
    ]
    return TransitionChoice(
        option.name,
        option.label_en if english() else option.label,
        _destination_label(facts, option),
        option.allowed,
        record_url(kind, facts.id, "transition", name=option.name),
        [r.message for r in option.reasons],
        [field_label(kind, f) for r in option.reasons for f in r.fields],
        inputs,
        [m for messages in errors.values() for m in messages],
        in_session=bool(option.reasons) and option.reasons[0].code == MEETING_REQUIRED,
        on_behalf_of=option.on_behalf_of,
    )


def _destination_label(facts: RecordFacts, option: TransitionOption) -> str:
    if not english():
        return option.to_label
    workflow = workflows().get(facts.workflow_name, facts.workflow_version)
    return state_label(workflow.states[option.to])


def record_parts(kind: str, facts: RecordFacts, workflow: Workflow, **posted) -> dict[str, Any]:
    """Return what every record page shows below its fields: transitions, timeline, comments."""
    events = record_timeline(kind, facts.id, workflow)
    seen = events[0].position if events else 0
    meetings = meetings_of(reading(), RecordRef(kind, facts.id))
    parts = {
        "panel": transition_panel(kind, facts, seen, posted.get("transition")),
        "events": events,
        "comments": [e for e in reversed(events) if e.code == "comment"],
        "comment_url": record_url(kind, facts.id, "comment"),
        "comment_text": posted.get("comment_text", ""),
        "comment_errors": posted.get("comment_errors", []),
        "state_label": state_label(workflow.states[facts.state]),
        "workflow": workflow,
        "current_state": facts.state,
        "meetings": meetings,
        # The open meeting whose agenda has the record: where its committee will decide it.
        "next_meeting": next((m for m in meetings if m.state in OPEN_MEETING), None),
        "outcomes": OUTCOMES,
        "notices": notices(reading().session, kind, facts.id, "admin" in actor().roles),
    }
    if kind in OPINION_KINDS:  # opinions and committee notes are asked on schemes and poolings
        parts |= {
            "opinion_url": record_url(kind, facts.id, "opinion"),
            "note_url": record_url(kind, facts.id, "note"),
            **opinion_parts(kind, facts, **posted),
        }
    return parts


def record_timeline(kind: str, record_id: int, workflow: Workflow) -> list[Event]:
    """Return a record's audit events in French, newest first (the caller checked visibility)."""
    session = reading().session
    record = SimpleNamespace(record_type=kind, id=record_id)
    return list(reversed(timeline(session, Display(session), workflow, record)))


def fire_from_form(kind: str, record_id: int, name: str, render_page):
    """Apply transition `name` from the posted form: 303 to the record, 409 or 422 page."""
    version = _posted_int("version")
    facts, workflow = read_facts(kind, record_id)
    typed = {k: v for k, v in request.form.items() if k not in CONTROL_FIELDS}
    inputs, errors = _read_inputs(workflow, facts, name, typed)
    try:
        if errors:
            _refuse_if_not_allowed(facts, name)
            raise InvalidInput(errors)
        with writing() as work:
            result = apply_transition(
                work, RecordRef(kind, record_id), name, actor(), inputs, version
            )
    except Conflict as exc:
        return render_conflict(kind, record_id, exc, name=name, typed=typed)
    except InvalidInput as exc:
        if "transition" in exc.errors:
            raise
        posted = {"name": name, "inputs": typed, "errors": exc.errors}
        return render_page(transition=posted), 422
    tdef = workflow.definition(name, result.from_state)
    label = tdef.label_en if english() else tdef.label
    state = state_label(workflow.states[result.to_state])
    flash(
        _(
            "« %(action)s » effectué : %(record)s est maintenant %(state)s.",
            action=label[:1].upper() + label[1:],
            record=nouns(kind).the,
            state=state,
        ),
        "success",
    )
    return redirect(record_url(kind, record_id), 303)


def _read_inputs(workflow: Workflow, facts: RecordFacts, name: str, typed: dict[str, str]):
    """Turn typed dates (jj/mm/aaaa) into what the engine reads; other inputs pass as typed."""
    tdef = workflow.definition(name, facts.state)
    inputs, errors = dict(typed), {}
    for key, spec in (tdef.inputs if tdef else {}).items():
        if spec.type == "date" and key in typed:
            try:
                parsed = parse_date(typed[key])
            except FrenchInputError as exc:
                errors[key] = [_(str(exc))]
                continue
            inputs[key] = parsed.isoformat() if parsed else ""
    return inputs, errors


def _refuse_if_not_allowed(facts: RecordFacts, name: str) -> None:
    # A refused action answers 403 whatever was typed, as the engine would.
    for option in available_transitions(facts, actor(), workflows()):
        if option.name == name and not option.allowed:
            raise NotPermitted(list(option.reasons))


def _posted_int(name: str) -> int:
    value = request.form.get(name, "")
    if not value.isdigit() or len(value) > 9:
        abort(400)
    return int(value)


def conflict_details(kind: str, record_id: int, exc: Conflict) -> dict[str, Any]:
    """Return who changed the record, when, and the events the user's page did not show."""
    facts, workflow = read_facts(kind, record_id)
    seen = request.form.get("seen", "")
    seen = int(seen) if seen.isdigit() and len(seen) <= 12 else None
    events = record_timeline(kind, record_id, workflow) if seen is not None else []
    return {
        "facts": facts,
        "workflow": workflow,
        "changed_by": exc.changed_by,
        "changed_at": exc.changed_at,
        "since": [e for e in events if e.position > seen],
        "state_label": state_label(workflow.states[facts.state]),
    }


def render_conflict(kind: str, record_id: int, exc: Conflict, *, name: str, typed: dict):
    """Render the 409 page of a transition sent on a stale page, the user's inputs kept.

    When the transition is still allowed on the current version, a form retries it with the
    typed inputs; otherwise the typed comment is offered as a plain comment.
    """
    details = conflict_details(kind, record_id, exc)
    panel = transition_panel(
        kind, details["facts"], posted={"name": name, "inputs": typed, "errors": {}}
    )
    retry = next((c for c in panel.allowed if c.name == name), None)
    page = render_template(
        "ui/record/conflict.html",
        kind=kind,
        record_url=record_url(kind, record_id),
        comment_url=record_url(kind, record_id, "comment"),
        retry=retry,
        panel=panel,
        typed=typed,
        kept_text=typed.get("comment", ""),
        **details,
    )
    return page, 409


def comment_from_form(kind: str, record_id: int, render_page):
    """Add the posted comment: 303 to the record's comments, or the page again with the error."""
    read_facts(kind, record_id)
    body = request.form.get("body", "")
    try:
        with writing() as work:
            add_comment(work, RecordRef(kind, record_id), actor(), body)
    except InvalidInput as exc:
        errors = [m for messages in exc.errors.values() for m in messages]
        return render_page(comment_text=body, comment_errors=errors), 422
    flash(_("Commentaire ajouté."), "success")
    return redirect(record_url(kind, record_id, _anchor="commentaires"), 303)

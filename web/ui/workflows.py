"""The validation circuits: each workflow drawn from its file, with its transitions and deadlines.

`workflow_svg(workflow, current_state)` is a template global, so every record page can include
`ui/workflow/_diagram.html` to show its own circuit with its current state highlighted.
"""

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from engine.documents.display import INPUT_LABELS, field_label
from engine.records.registry import RECORD_TYPES, Nouns, record_type
from engine.rules.diagram import draw
from engine.rules.workflow import StateDef, TransitionDef, Workflow
from web.context import workflows
from web.ui.common import english, signin_required

blueprint = signin_required(Blueprint("workflow", __name__))

ROLE_LABELS = {
    "owner": _l("porteur de la structure"),
    "cotech": _l("membre du COTECH"),
    "coordinator": _l("coordinateur du COTECH"),
    "copil": _l("membre du COPIL"),
    "secretary": _l("secrétaire de séance"),
    "admin": _l("administrateur"),
}
GUARD_LABELS = {
    "not_submitter": _l("pas la personne qui l'a soumis"),
    "not_proposer": _l("pas la personne qui l'a proposé"),
    "not_author": _l("pas la personne qui l'a créé"),
}
EFFECT_LABELS = {"link_members": _l("chaque dispositif membre est rattaché à la mutualisation")}
OTHER_INPUTS = {"comment": _l("commentaire")}


@dataclass(frozen=True)
class TransitionRow:
    label: str
    sources: list[str]
    to: str
    who: str
    inputs: list[str]
    requires: list[str]
    effects: list[str]


@dataclass(frozen=True)
class StateRow:
    label: str
    final: bool
    deadline_days: int | None
    editors: str
    requires: list[str]
    # When its deadline's reminders and escalation go out (docs/notifications.md).
    reminders: list[str]


@blueprint.app_template_global()
def nouns(kind: str) -> Nouns:
    """Return how the page's language names a record type: its label, "the …", "this …"."""
    rtype = record_type(kind)
    return rtype.english if english() else rtype.french


def state_label(state: StateDef) -> str:
    return state.label_en if english() else state.label


@blueprint.app_template_global()
def workflow_svg(workflow: Workflow | str, current_state: str | None = None) -> Markup:
    """Return the inline SVG of a workflow (or of a workflow name's current version)."""
    if isinstance(workflow, str):
        workflow = workflows().current(workflow)
    description = ""
    if current_state in workflow.states:
        description = _(
            "État actuel : %(state)s.", state=state_label(workflow.states[current_state])
        )
    if workflow.name in RECORD_TYPES:
        title = nouns(workflow.name).workflow
    else:
        title = _("Circuit de validation")
    svg = draw(workflow, current_state, title=title, description=description, english=english())
    return Markup(svg)  # safe: engine.rules.diagram escapes every label it draws


@blueprint.get("/workflows")
def index():
    circuits = [workflows().current(name) for name in RECORD_TYPES]
    return render_template(
        "ui/workflow/index.html",
        circuits=[
            (wf, nouns(wf.name).workflow, transition_rows(wf), state_rows(wf)) for wf in circuits
        ],
    )


def transition_rows(workflow: Workflow) -> list[TransitionRow]:
    """Describe each transition in French: from, to, who, what it needs, what it does."""
    order = list(workflow.states)
    return [
        TransitionRow(
            t.label_en if english() else t.label,
            [state_label(workflow.states[s]) for s in sorted(t.sources, key=order.index)],
            state_label(workflow.states[t.dest]),
            _who(t),
            _inputs(workflow.name, t),
            _new_requirements(workflow, t),
            [str(EFFECT_LABELS.get(e, e)) for e in t.effects],
        )
        for t in workflow.transitions
    ]


def state_rows(workflow: Workflow) -> list[StateRow]:
    """Describe each state: final or not, its deadline, who may edit, the fields it needs."""
    return [
        StateRow(
            state_label(state),
            state.final,
            state.deadline_days,
            ", ".join(str(ROLE_LABELS.get(r, r)) for r in sorted(state.editors)),
            _requirements(workflow.name, state),
            _reminders(state),
        )
        for state in workflow.states.values()
    ]


def _reminders(state: StateDef) -> list[str]:
    days = state.remind_before_days
    found = (
        [ngettext("rappel %(num)s jour avant", "rappel %(num)s jours avant", days)] if days else []
    )
    if state.escalate_after_days:
        roles = _(" ou ").join(str(ROLE_LABELS.get(r, r)) for r in state.escalate_to)
        found.append(
            ngettext(
                "%(num)s jour de retard : %(roles)s prévenu",
                "%(num)s jours de retard : %(roles)s prévenu",
                state.escalate_after_days,
                roles=roles,
            )
        )
    return found


def _who(t: TransitionDef) -> str:
    roles = _(" ou ").join(str(ROLE_LABELS.get(r, r)) for r in sorted(t.roles))
    guards = [str(GUARD_LABELS.get(g, g)) for g in t.guards]
    return f"{roles} ({', '.join(guards)})" if guards else roles


def _inputs(kind: str, t: TransitionDef) -> list[str]:
    def label(name: str) -> str:
        return str(OTHER_INPUTS.get(name) or _(INPUT_LABELS.get(name, field_label(kind, name))))

    return [
        _("%(input)s (obligatoire)", input=label(spec.name))
        if spec.required
        else _("%(input)s (facultatif)", input=label(spec.name))
        for spec in t.inputs.values()
    ]


def _new_requirements(workflow: Workflow, t: TransitionDef) -> list[str]:
    """The fields the target state needs that every source state did not already need."""
    already = set.intersection(*(set(workflow.states[s].requires) for s in t.sources))
    groups = [group for group in workflow.states[t.dest].requires if group not in already]
    return _field_groups(workflow.name, groups)


def _requirements(kind: str, state: StateDef) -> list[str]:
    return _field_groups(kind, state.requires)


def _field_groups(kind: str, groups) -> list[str]:
    # "contact_email|contact_phone" means either field: "Courriel de contact ou Téléphone…".
    return [
        _(" ou ").join(field_label(kind, part) for part in group.split("|")) for group in groups
    ]

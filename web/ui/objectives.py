"""The contract's objectives (/objectifs): the list, the progress page with its charts and the
coverage gap per commune, an objective's page (indicators, values, milestones, its workflow),
its forms. Reads through reading(), writes through engine/objectives/services.py."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.clock import local
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Indicator, Milestone, Objective
from engine.objectives.chart import chart
from engine.objectives.measures import MEASURES
from engine.objectives.progress import (
    OPEN_STATES,
    is_late,
    objective_progress,
    objectives,
    progress,
)
from engine.objectives.services import (
    SETTERS,
    add_indicator,
    add_milestone,
    complete_milestone,
    create_objective,
    edit_objective,
    report_value,
)
from engine.queries.forms import scheme_choices
from web.context import actor, reading, workflows, writing
from web.ui.common import roles_required, signin_required
from web.ui.objectives_form import Posted, objective_form, posted, read
from web.ui.records import (
    comment_from_form,
    conflict_details,
    fire_from_form,
    read_facts,
    record_parts,
)

blueprint = signin_required(Blueprint("objective", __name__))
KIND = "objective"
ID = "<int(max=2147483647):objective_id>"
OBJECTIVE_LISTS = ("themes", "publics")
# What a link may fill in a new objective's form (the diagnostic's gaps do).
PREFILLED = ("title", "description", "territory", "themes", "publics")
OBJECTIVE_DATES = ("target_date",)


def _today():
    return local(reading().clock()).date()


def _may_set() -> bool:
    me = actor()
    return me.active and bool(SETTERS & me.roles)


@blueprint.get("/objectifs")
def index():
    return render_template(
        "ui/objective/index.html",
        objectives=objectives(reading().session),
        states=workflows().current(KIND).states,
        today=_today(),
        is_late=is_late,
        may_set=_may_set(),
    )


@blueprint.get("/objectifs/avancement")
def progress_page():
    today = _today()
    return render_template(
        "ui/objective/progress.html",
        progresses=progress(reading().session, today),
        states=workflows().current(KIND).states,
        chart_of=_chart_of,
        today=today,
    )


def _chart_of(shown):
    i = shown.indicator
    return chart(
        [(p.day, p.value) for p in shown.points],
        baseline=i.baseline,
        target=i.target,
        first_day=i.baseline_date,
        last_day=i.target_date,
    )


@blueprint.route("/objectifs/nouveau", methods=["GET", "POST"])
@roles_required(*SETTERS)
def new():
    if request.method == "GET":
        return _form_page(_prefilled(request.args))
    form = posted("objective", request.form, OBJECTIVE_LISTS)
    data = read(form, OBJECTIVE_DATES, (), ("organisation_id",))
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        with writing() as work:
            objective = create_objective(work, actor(), data)
            objective_id, reference = objective.id, objective.reference
    except InvalidInput as exc:
        form.errors = {**exc.errors, **form.errors}
        return _form_page(form), 422
    flash(_("Objectif %(reference)s enregistré.", reference=reference), "success")
    return redirect(url_for("objective.show", objective_id=objective_id), 303)


def _prefilled(args: MultiDict) -> Posted:
    """A new objective's form filled from its address: a gap of the diagnostic proposes its
    title, its commune and its themes (nothing is written before the COPIL saves)."""
    kept = MultiDict([(k, v) for k, v in args.items(multi=True) if k in PREFILLED])
    return posted("objective", kept, OBJECTIVE_LISTS)


@blueprint.route(f"/objectifs/{ID}/modifier", methods=["GET", "POST"])
@roles_required(*SETTERS)
def edit(objective_id: int):
    facts, _workflow = read_facts(KIND, objective_id)
    objective = reading().session.get(Objective, objective_id)
    if request.method == "GET":
        return _form_page(objective_form(objective), objective=objective, version=facts.version)
    version = _posted_version()
    form = posted("objective", request.form, OBJECTIVE_LISTS)
    data = read(form, OBJECTIVE_DATES, (), ("organisation_id",))
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        with writing() as work:
            edit_objective(work, actor(), objective_id, data, expected_version=version)
    except InvalidInput as exc:
        form.errors = {**exc.errors, **form.errors}
        return _form_page(form, objective=objective, version=version), 422
    except Conflict as exc:
        details = conflict_details(KIND, objective_id, exc)
        current = exc.current_version or details["facts"].version
        return _form_page(form, objective=objective, version=current, conflict=details), 409
    flash(_("Objectif modifié."), "success")
    return redirect(url_for("objective.show", objective_id=objective_id), 303)


def _posted_version() -> int:
    value = request.form.get("version", "")
    if not value.isdigit() or len(value) > 9:
        abort(400)
    return int(value)


def _form_page(form: Posted, *, objective=None, version=None, conflict=None):
    return render_template(
        "ui/objective/form.html",
        form=form,
        objective=objective,
        version=version,
        conflict=conflict,
        choices=scheme_choices(reading().session),
    )


@blueprint.get(f"/objectifs/{ID}")
def show(objective_id: int):
    return _show_page(objective_id)


def _show_page(objective_id: int, form: Posted | None = None, **record_posted):
    facts, workflow = read_facts(KIND, objective_id)
    objective = reading().session.get(Objective, objective_id)
    today = _today()
    me = actor()
    return render_template(
        "ui/objective/show.html",
        objective=objective,
        shown=objective_progress(reading().session, objective, today),
        chart_of=_chart_of,
        today=today,
        is_late=is_late,
        may_set=_may_set(),
        open=objective.state in OPEN_STATES,
        may_report=lambda i: _may_set() or me.holds("owner", i.organisation_id),
        may_complete=lambda m: _may_set() or me.holds("owner", m.organisation_id),
        measures=MEASURES,
        choices=scheme_choices(reading().session),
        posted=form or Posted(),
        **record_parts(KIND, facts, workflow, **record_posted),
    )


@blueprint.post(f"/objectifs/{ID}/transitions/<name>")
def transition(objective_id: int, name: str):
    return fire_from_form(KIND, objective_id, name, lambda **p: _show_page(objective_id, **p))


@blueprint.post(f"/objectifs/{ID}/commentaires")
def comment(objective_id: int):
    return comment_from_form(KIND, objective_id, lambda **p: _show_page(objective_id, **p))


@blueprint.post(f"/objectifs/{ID}/indicateurs")
def new_indicator(objective_id: int):
    form = posted("indicator", request.form, OBJECTIVE_LISTS)
    data = read(
        form, ("baseline_date", "target_date"), ("baseline", "target"), ("organisation_id",)
    )
    return _write(
        objective_id,
        form,
        lambda work: add_indicator(work, actor(), objective_id, data),
        _("Indicateur ajouté."),
    )


@blueprint.post(f"/objectifs/{ID}/indicateurs/<int(max=2147483647):indicator_id>/valeurs")
def new_value(objective_id: int, indicator_id: int):
    _belongs(Indicator, indicator_id, objective_id)
    form = posted(f"value-{indicator_id}", request.form)
    data = read(form, ("measured_on",), ("value",), ())
    return _write(
        objective_id,
        form,
        lambda work: report_value(work, actor(), indicator_id, data),
        _("Valeur enregistrée."),
    )


@blueprint.post(f"/objectifs/{ID}/etapes")
def new_milestone(objective_id: int):
    form = posted("milestone", request.form)
    data = read(form, ("due_on",), (), ("organisation_id",))
    return _write(
        objective_id,
        form,
        lambda work: add_milestone(work, actor(), objective_id, data),
        _("Étape ajoutée."),
    )


@blueprint.post(f"/objectifs/{ID}/etapes/<int(max=2147483647):milestone_id>/faite")
def milestone_done(objective_id: int, milestone_id: int):
    _belongs(Milestone, milestone_id, objective_id)
    form = posted(f"done-{milestone_id}", request.form)
    data = read(form, ("done_on",), (), ())
    return _write(
        objective_id,
        form,
        lambda work: complete_milestone(work, actor(), milestone_id, data.get("done_on")),
        _("Étape déclarée réalisée."),
    )


def _belongs(model, item_id: int, objective_id: int) -> None:
    item = reading().session.get(model, item_id)
    if item is None or item.objective_id != objective_id:
        raise NotFound()


def _write(objective_id: int, form: Posted, write, done: str):
    read_facts(KIND, objective_id)
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        with writing() as work:
            write(work)
    except InvalidInput as exc:
        form.errors = {**exc.errors, **form.errors}
        return _show_page(objective_id, form), 422
    flash(done, "success")
    return redirect(url_for("objective.show", objective_id=objective_id), 303)

"""Poolings (mutualisations): the list, the creation from a selection of schemes, the page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.models import POOLING_KINDS
from engine.queries.forms import scheme_choices
from engine.services.records import create_pooling
from web.context import actor, reading, workflows, writing
from web.ui.common import roles_required, signin_required
from web.ui.poolings_form import (
    engine_errors,
    help_texts,
    initial_form,
    labels,
    read_form,
    read_selection,
)
from web.ui.poolings_page import list_poolings, load_pooling, totals
from web.ui.record_opinions import note_from_form, request_from_form
from web.ui.records import comment_from_form, fire_from_form, read_facts, record_parts

blueprint = signin_required(Blueprint("pooling", __name__))
KIND = "pooling"


@blueprint.get("/mutualisations")
def index():
    states = workflows().current(KIND).states
    state = request.args.get("state", "")
    state = state if state in states else ""
    return render_template(
        "ui/pooling/index.html",
        poolings=list_poolings(reading().session, state or None),
        states=states,
        state=state,
    )


@blueprint.get("/mutualisations/nouvelle")
@roles_required("cotech")
def new():
    selection = read_selection(request.args.getlist("scheme_ids"))
    return _form_page(selection, initial_form(selection))


@blueprint.post("/mutualisations/nouvelle")
@roles_required("cotech")
def create():
    form, data = read_form(request.form)
    selection = read_selection(form.values["scheme_ids"])
    if not form.errors:
        try:
            with writing() as work:
                pooling = create_pooling(work, actor(), data)
        except InvalidInput as exc:
            engine_errors(form, exc.errors)
        else:
            flash(
                _("Mutualisation %(ref)s enregistrée.", ref=pooling.reference),
                "success",
            )
            return redirect(url_for("pooling.show", pooling_id=pooling.id), 303)
    return _form_page(selection, form), 422


def _form_page(selection, form):
    return render_template(
        "ui/pooling/new.html",
        selection=selection,
        form=form,
        choices=scheme_choices(reading().session),
        kinds=POOLING_KINDS,
        labels=labels(),
        help=help_texts(),
    )


@blueprint.get("/mutualisations/<int:pooling_id>")
def show(pooling_id: int):
    return _show_page(pooling_id)


def _show_page(pooling_id: int, **posted):
    facts, workflow = read_facts(KIND, pooling_id)
    session = reading().session
    pooling = load_pooling(session, pooling_id)
    member_states = workflows().current("scheme").states
    return render_template(
        "ui/pooling/show.html",
        pooling=pooling,
        totals=totals(session, pooling),
        kinds=POOLING_KINDS,
        member_states=member_states,
        **record_parts(KIND, facts, workflow, **posted),
    )


@blueprint.post("/mutualisations/<int:pooling_id>/transitions/<name>")
def transition(pooling_id: int, name: str):
    return fire_from_form(KIND, pooling_id, name, lambda **posted: _show_page(pooling_id, **posted))


@blueprint.post("/mutualisations/<int:pooling_id>/avis")
def opinion(pooling_id: int):
    return request_from_form(KIND, pooling_id, lambda **posted: _show_page(pooling_id, **posted))


@blueprint.post("/mutualisations/<int:pooling_id>/notes")
def note(pooling_id: int):
    return note_from_form(KIND, pooling_id, lambda **posted: _show_page(pooling_id, **posted))


@blueprint.post("/mutualisations/<int:pooling_id>/commentaires")
def comment(pooling_id: int):
    return comment_from_form(KIND, pooling_id, lambda **posted: _show_page(pooling_id, **posted))

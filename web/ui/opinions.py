"""An opinion's own page (/avis/<id>): the question and the record it is about, for the service
asked, with the form to answer; and the COTECH's withdrawal of a request. The service's people
may not see the record's page: this page is where they answer."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.models import VERDICTS
from engine.models.opinion import VERDICTS_EN
from engine.services.opinions import (
    answer_opinion,
    get_opinion,
    may_answer,
    subjects,
    today,
    withdraw_opinion,
)
from web.context import actor, reading, workflows, writing
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("opinion", __name__))


@blueprint.get("/avis/<int(max=2147483647):opinion_id>")
def show(opinion_id: int):
    return _page(opinion_id)


def _page(opinion_id: int, **posted):
    work = reading()
    opinion = get_opinion(work, opinion_id, actor())
    subject = subjects(work, [opinion])[(opinion.record_type, opinion.record_id)]
    return render_template(
        "ui/opinion/show.html",
        opinion=opinion,
        subject=subject,
        state=workflows().current("opinion").states[opinion.state],
        verdicts=VERDICTS,
        verdicts_en=VERDICTS_EN,
        can_answer=may_answer(actor(), opinion),
        late=opinion.overdue(today(work)),
        typed=posted.get("typed", {}),
        errors=posted.get("errors", {}),
    )


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() and len(value) <= 9 else None


@blueprint.post("/avis/<int(max=2147483647):opinion_id>/reponse")
def answer(opinion_id: int):
    typed = {"verdict": request.form.get("verdict", ""), "answer": request.form.get("answer", "")}
    try:
        with writing() as work:
            answer_opinion(work, opinion_id, actor(), typed["verdict"], typed["answer"], _version())
    except InvalidInput as exc:
        return _page(opinion_id, typed=typed, errors=exc.errors), 422
    flash(_("Avis rendu."), "success")
    return redirect(url_for("opinion.show", opinion_id=opinion_id), 303)


@blueprint.post("/avis/<int(max=2147483647):opinion_id>/retrait")
def withdraw(opinion_id: int):
    with writing() as work:
        opinion = withdraw_opinion(
            work, opinion_id, actor(), request.form.get("comment", ""), _version()
        )
        kind, record_id = opinion.record_type, opinion.record_id
    flash(_("Demande d'avis retirée."), "success")
    return redirect(url_for(f"{kind}.show", **{f"{kind}_id": record_id}, _anchor="avis"), 303)

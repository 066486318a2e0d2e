"""Pistes de mutualisation (/pistes-de-mutualisation): the COTECH's ranked candidates with
their reasons, filters, dismissal with a reason, and a pooling draft in one click."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.queries.candidates import (
    DISMISSERS,
    READERS,
    CandidateFilter,
    candidate_page,
    filter_choices,
    parse_filter,
)
from engine.services.candidates import dismiss_candidate, draft_pooling
from web.context import actor, reading, writing
from web.ui.common import english, roles_required, signin_required

blueprint = signin_required(Blueprint("candidate", __name__))
FILTERS = ("theme", "territory", "organisation")


@blueprint.get("/pistes-de-mutualisation")
@roles_required(*READERS)
def index():
    return _page()


def _page(errors: dict | None = None, dismissing: int | None = None, typed: str = ""):
    session = reading().session
    status = 200
    try:
        filters = parse_filter(session, request.args)
    except InvalidInput as exc:
        filters, errors, status = CandidateFilter(), {**(errors or {}), **exc.errors}, 400
    number = request.args.get("page", "1")
    page = candidate_page(session, actor(), filters, int(number) if number.isdigit() else 1)
    args = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    html = render_template(
        "ui/candidates/index.html",
        page=page,
        choices=filter_choices(session, english()),
        args=args,
        errors=errors or {},
        dismissing=dismissing,
        typed=typed,
        may_dismiss=bool(actor().roles & DISMISSERS),
        may_draft="cotech" in actor().roles,
    )
    return html, (422 if errors and status == 200 else status)


@blueprint.post("/pistes-de-mutualisation/<int:candidate_id>/ecarter")
@roles_required(*DISMISSERS)
def dismiss(candidate_id: int):
    reason = request.form.get("reason", "")
    try:
        with writing() as work:
            dismiss_candidate(work, actor(), candidate_id, reason)
    except InvalidInput as exc:
        return _page(exc.errors, dismissing=candidate_id, typed=reason)
    flash(_("Piste écartée : elle ne reviendra que si l'un des dispositifs change nettement."))
    return redirect(url_for("candidate.index", **_kept_args()), 303)


@blueprint.post("/pistes-de-mutualisation/<int:candidate_id>/mutualisation")
@roles_required("cotech")
def draft(candidate_id: int):
    with writing() as work:
        pooling = draft_pooling(work, actor(), candidate_id)
    flash(
        _(
            "Mutualisation %(ref)s créée à partir de la piste : vérifiez-la et complétez-la.",
            ref=pooling.reference,
        ),
        "success",
    )
    return redirect(url_for("pooling.show", pooling_id=pooling.id), 303)


def _kept_args() -> dict[str, str]:
    return {k: request.form[k] for k in FILTERS if request.form.get(k)}

"""A scheme's pages: the form (new, edit), the scheme page, its actions, comments, duplicates."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.documents import case_file_document
from engine.errors import Conflict, InvalidInput
from engine.models import PARTNER_ROLES, Scheme
from engine.queries.duplicates import similar_schemes
from engine.queries.forms import edit_refusal, scheme_choices, scheme_field_errors
from engine.services.common import RecordRef
from engine.services.documents import FORMATS, issue_document
from engine.services.records import create_scheme, edit_record
from web.context import actor, reading, workflows, writing
from web.ui.common import roles_required, signin_required
from web.ui.record_opinions import note_from_form, request_from_form
from web.ui.records import (
    comment_from_form,
    conflict_details,
    fire_from_form,
    read_facts,
    record_parts,
)
from web.ui.schemes_form import (
    SchemeForm,
    blank_form,
    engine_data,
    form_from_request,
    form_from_scheme,
    help_texts,
    labels,
)

blueprint = signin_required(Blueprint("scheme", __name__))
KIND = "scheme"


@blueprint.route("/dispositifs/nouveau", methods=["GET", "POST"])
@roles_required("owner", "admin")
def new():
    fixed = _fixed_organisation()
    if request.method == "GET":
        return _form_page(blank_form(fixed), fixed=fixed)
    form = form_from_request(request.form, request.form.get("add_row"))
    if fixed is not None:
        form.values["organisation_id"] = str(fixed)
    if "add_row" in request.form:
        return _form_page(form, fixed=fixed)
    read = engine_data(form, scheme_choices(reading().session), new=True)
    try:
        _refuse_unreadable(read, new=True)
        with writing() as work:
            scheme = create_scheme(work, actor(), read.data)
            reference, scheme_id = scheme.reference, scheme.id
    except InvalidInput as exc:
        form.errors = read.place(exc.errors)
        return _form_page(form, fixed=fixed), 422
    flash(
        _(
            "Brouillon %(reference)s enregistré. Complétez la fiche quand vous le souhaitez.",
            reference=reference,
        ),
        "success",
    )
    return redirect(url_for("scheme.edit", scheme_id=scheme_id), 303)


def _fixed_organisation() -> int | None:
    """An owner creates for their own organisation; an administrator chooses one."""
    me = actor()
    return None if "admin" in me.roles else me.organisation_id


def _refuse_unreadable(read, *, new: bool) -> None:
    # Fields the form could not read are reported with what the engine says of the others.
    if read.errors:
        raise InvalidInput(scheme_field_errors(read.data, new=new))


@blueprint.route("/dispositifs/<int:scheme_id>/modifier", methods=["GET", "POST"])
def edit(scheme_id: int):
    facts, workflow = read_facts(KIND, scheme_id)
    refusal = edit_refusal(workflow, facts, actor())
    if refusal is not None:
        raise refusal
    scheme = reading().session.get(Scheme, scheme_id)
    if request.method == "GET":
        return _form_page(form_from_scheme(scheme), scheme=scheme, version=facts.version)
    version = _posted_version()
    form = form_from_request(request.form, request.form.get("add_row"))
    if "add_row" in request.form:
        return _form_page(form, scheme=scheme, version=version)
    read = engine_data(form, scheme_choices(reading().session), new=False)
    try:
        _refuse_unreadable(read, new=False)
        with writing() as work:
            edit_record(work, RecordRef(KIND, scheme_id), read.data, actor(), version)
    except InvalidInput as exc:
        form.errors = read.place(exc.errors)
        return _form_page(form, scheme=scheme, version=version), 422
    except Conflict as exc:
        # The user's input stays; saving again applies it over the version now current.
        details = conflict_details(KIND, scheme_id, exc)
        current = exc.current_version or details["facts"].version
        return _form_page(form, scheme=scheme, version=current, conflict=details), 409
    flash(_("Modifications enregistrées."), "success")
    return redirect(url_for("scheme.show", scheme_id=scheme_id), 303)


def _posted_version() -> int:
    value = request.form.get("version", "")
    if not value.isdigit() or len(value) > 9:
        abort(400)
    return int(value)


def _form_page(
    form: SchemeForm,
    *,
    scheme: Scheme | None = None,
    fixed: int | None = None,
    version: int | None = None,
    conflict: dict | None = None,
):
    choices = scheme_choices(reading().session)
    duplicates = []
    if scheme is not None:
        duplicates = similar_schemes(
            reading().session,
            actor(),
            scheme.title,
            scheme.organisation_id,
            [t.code for t in scheme.themes],
            [t.cog for t in scheme.territories],
            exclude_id=scheme.id,
            workflows=workflows(),
        )
    return render_template(
        "ui/scheme/form.html",
        form=form,
        choices=choices,
        labels=labels(),
        help=help_texts(),
        scheme=scheme,
        fixed_name=_organisation_name(choices, fixed),
        version=version,
        conflict=conflict,
        duplicates=duplicates,
    )


def _organisation_name(choices, organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    return next((c.label for c in choices.organisations if c.value == str(organisation_id)), "—")


@blueprint.get("/dispositifs/<int:scheme_id>")
def show(scheme_id: int):
    return _show_page(scheme_id)


def _show_page(scheme_id: int, **posted):
    facts, workflow = read_facts(KIND, scheme_id)
    scheme = reading().session.get(Scheme, scheme_id)
    return render_template(
        "ui/scheme/show.html",
        scheme=scheme,
        facts=facts,
        labels=labels(),
        can_edit=edit_refusal(workflow, facts, actor()) is None,
        partner_roles=PARTNER_ROLES,
        **record_parts(KIND, facts, workflow, **posted),
    )


@blueprint.post("/dispositifs/<int:scheme_id>/transitions/<name>")
def transition(scheme_id: int, name: str):
    return fire_from_form(KIND, scheme_id, name, lambda **posted: _show_page(scheme_id, **posted))


@blueprint.post("/dispositifs/<int:scheme_id>/avis")
def opinion(scheme_id: int):
    return request_from_form(KIND, scheme_id, lambda **posted: _show_page(scheme_id, **posted))


@blueprint.post("/dispositifs/<int:scheme_id>/notes")
def note(scheme_id: int):
    return note_from_form(KIND, scheme_id, lambda **posted: _show_page(scheme_id, **posted))


@blueprint.post("/dispositifs/<int:scheme_id>/commentaires")
def comment(scheme_id: int):
    return comment_from_form(KIND, scheme_id, lambda **posted: _show_page(scheme_id, **posted))


@blueprint.post("/dispositifs/<int:scheme_id>/dossier")
def case_file(scheme_id: int):
    """Hand out the case file (PDF or HTML); a POST, as each copy handed out is audited."""
    fmt = request.form.get("format", "pdf")
    if fmt not in FORMATS:
        abort(400)
    document = case_file_document(reading(), actor(), RecordRef(KIND, scheme_id))
    content = issue_document(reading(), actor(), document, fmt)
    disposition = "attachment" if fmt == "pdf" else "inline"
    return Response(
        content,
        mimetype=FORMATS[fmt].split(";")[0],
        headers={"Content-Disposition": f'{disposition}; filename="{document.filename}.{fmt}"'},
    )


@blueprint.get("/dispositifs/doublons")
def duplicates():
    """An HTML fragment: visible schemes that look like the one being typed (no JSON)."""
    args = request.args
    organisation = args.get("organisation_id", "")
    exclude = args.get("exclude", "")
    found = similar_schemes(
        reading().session,
        actor(),
        args.get("titre", "")[:180],
        int(organisation) if organisation.isdigit() and len(organisation) <= 9 else None,
        args.getlist("themes")[:50],
        args.getlist("territories")[:60],
        exclude_id=int(exclude) if exclude.isdigit() and len(exclude) <= 9 else None,
        workflows=workflows(),
    )
    return render_template("ui/scheme/_duplicates.html", duplicates=found, fragment=True)

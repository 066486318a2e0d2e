"""Administration of organisations: list, create, edit name, kind and SIREN."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput, NotFound
from engine.models import ORGANISATION_KINDS, Organisation
from engine.services import users
from web.context import actor, reading, writing
from web.ui.admin_common import organisations

ID = "<int(max=2147483647):organisation_id>"


def register(blueprint: Blueprint) -> None:
    """Add the organisation pages to the administration blueprint."""
    blueprint.add_url_rule("/structures", "organisations", organisation_list)
    blueprint.add_url_rule(
        "/structures", "create_organisation", create_organisation, methods=["POST"]
    )
    blueprint.add_url_rule(f"/structures/{ID}", "organisation", organisation_page)
    blueprint.add_url_rule(
        f"/structures/{ID}", "edit_organisation", edit_organisation, methods=["POST"]
    )


def organisation_list():
    return _list_page()


def create_organisation():
    form = request.form
    try:
        with writing() as work:
            organisation = users.add_organisation(
                work,
                actor(),
                form.get("name", ""),
                form.get("kind", ""),
                siren=form.get("siren", "").replace(" ", "") or None,
            )
    except InvalidInput as invalid:
        return _list_page(invalid.errors, form), 422
    flash(_("La structure « %(name)s » a été créée.", name=organisation.name), "success")
    return redirect(url_for("admin.organisations"))


def organisation_page(organisation_id: int):
    return _edit_page(organisation_id)


def edit_organisation(organisation_id: int):
    form = request.form
    try:
        with writing() as work:
            users.edit_organisation(
                work,
                actor(),
                organisation_id,
                form.get("name", ""),
                form.get("kind", ""),
                siren=form.get("siren", "").replace(" ", "") or None,
            )
    except InvalidInput as invalid:
        return _edit_page(organisation_id, invalid.errors, form), 422
    flash(_("La structure a été enregistrée."), "success")
    return redirect(url_for("admin.organisations"))


def _list_page(errors: dict | None = None, form=None) -> str:
    return render_template(
        "ui/admin/organisations.html",
        organisations=organisations(),
        kinds=ORGANISATION_KINDS,
        errors=errors or {},
        form=form or {},
    )


def _edit_page(organisation_id: int, errors: dict | None = None, form=None) -> str:
    organisation = reading().session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    values = form or {
        "name": organisation.name,
        "kind": organisation.kind,
        "siren": organisation.siren or "",
    }
    return render_template(
        "ui/admin/organisation.html",
        organisation=organisation,
        kinds=ORGANISATION_KINDS,
        errors=errors or {},
        form=values,
    )

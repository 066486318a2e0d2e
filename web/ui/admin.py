"""Administration (admins only): accounts here; organisations, vocabularies, import beside."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from engine.errors import InvalidInput, NotFound
from engine.models import FREQUENCIES, ORGANISATION_KINDS, ROLES, User
from engine.services import signin, users
from web.context import actor, reading, writing
from web.ui import (
    admin_import,
    admin_notifications,
    admin_organisations,
    admin_sign_in,
    admin_vocabularies,
)
from web.ui.admin_common import organisations
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("admin", __name__, url_prefix="/administration"))


@blueprint.before_request
def _admins_only() -> None:
    if "admin" not in actor().roles:
        raise Forbidden()


for module in (
    admin_organisations,
    admin_vocabularies,
    admin_import,
    admin_sign_in,
    admin_notifications,
):
    module.register(blueprint)


@blueprint.get("")
def index():
    return render_template("ui/admin/index.html")


@blueprint.get("/utilisateurs")
def user_list():
    return _users_page()


@blueprint.post("/utilisateurs")
def create_user():
    form = request.form
    try:
        with writing() as work:
            user = users.add_user(
                work,
                actor(),
                form.get("email", ""),
                form.get("name", ""),
                form.getlist("roles"),
                form.get("password", ""),
                _organisation_id(form.get("organisation_id")),
            )
    except InvalidInput as invalid:
        return _users_page(errors=invalid.errors, form=form), 422
    flash(_("Le compte de %(email)s a été créé.", email=user.email), "success")
    return redirect(url_for("admin.user_list"))


def _users_page(errors: dict | None = None, form=None) -> str:
    query = select(User).order_by(User.active.desc(), User.name, User.id)
    return render_template(
        "ui/admin/users.html",
        users=list(reading().session.scalars(query)),
        roles=ROLES,
        organisations=organisations(),
        errors=errors or {},
        form=form or {},
    )


@blueprint.get("/utilisateurs/<int(max=2147483647):user_id>")
def user_page(user_id: int):
    return _user_page(user_id)


def _user_page(user_id: int, errors: dict | None = None, form=None):
    user = reading().session.get(User, user_id)
    if user is None:
        raise NotFound()
    return render_template(
        "ui/admin/user.html",
        user=user,
        roles=ROLES,
        frequencies=FREQUENCIES,
        kinds=ORGANISATION_KINDS,
        organisations=organisations(),
        errors=errors or {},
        form=form,
    )


@blueprint.post("/utilisateurs/<int(max=2147483647):user_id>/droits")
def change_user(user_id: int):
    try:
        with writing() as work:
            users.update_user(
                work,
                actor(),
                user_id,
                roles=request.form.getlist("roles"),
                organisation_id=_organisation_id(request.form.get("organisation_id")),
            )
    except InvalidInput as invalid:
        return _user_page(user_id, invalid.errors, request.form), 422
    flash(_("Les rôles et la structure ont été enregistrés."), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))


@blueprint.post("/utilisateurs/<int(max=2147483647):user_id>/notifications")
def change_notifications(user_id: int):
    try:
        with writing() as work:
            users.update_user(
                work,
                actor(),
                user_id,
                notification_frequency=request.form.get("notification_frequency", ""),
            )
    except InvalidInput as invalid:
        return _user_page(user_id, invalid.errors), 422
    flash(_("La préférence de notification est enregistrée."), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))


@blueprint.post("/utilisateurs/<int(max=2147483647):user_id>/activite")
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    with writing() as work:
        users.set_user_active(work, actor(), user_id, active)
    if active:
        flash(_("Le compte a été réactivé."), "success")
    else:
        flash(_("Le compte a été désactivé ; ses sessions sont fermées."), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))


@blueprint.post("/utilisateurs/<int(max=2147483647):user_id>/mot-de-passe")
def reset_password(user_id: int):
    try:
        with writing() as work:
            signin.reset_password(work, actor(), user_id, request.form.get("password", ""))
    except InvalidInput as invalid:
        return _user_page(user_id, invalid.errors), 422
    flash(
        _(
            "Le mot de passe provisoire est enregistré et les sessions de ce compte sont "
            "fermées. Transmettez-le à la personne par un autre canal que la messagerie."
        ),
        "success",
    )
    return redirect(url_for("admin.user_page", user_id=user_id))


def _organisation_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 10:
        raise InvalidInput({"organisation": [_("Structure inconnue.")]})
    return int(value)

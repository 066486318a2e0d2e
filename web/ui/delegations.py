"""Delegations on the account: lend one's roles for an absence, see those given and received,
end one; an administrator sees and manages everyone's."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from engine.errors import InvalidInput
from engine.french.inputs import FrenchInputError, parse_date
from engine.models import DELEGABLE, ROLES, User
from engine.services.delegations import (
    create_delegation,
    delegable_roles,
    list_delegations,
    revoke_delegation,
)
from web.context import actor, reading, writing
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("delegation", __name__, url_prefix="/compte/delegations"))

STATUSES = {
    "active": _l("En cours"),
    "upcoming": _l("À venir"),
    "ended": _l("Terminée"),
    "revoked": _l("Révoquée"),
}


@blueprint.get("")
def index():
    return _page()


@blueprint.post("")
def create():
    form, me = request.form, actor()
    typed_errors: dict[str, list[str]] = {}
    starts = _day(form, "starts_at", typed_errors)
    ends = _day(form, "ends_at", typed_errors)
    try:
        with writing() as work:
            create_delegation(
                work,
                me,
                delegator_id=_int(form.get("delegator_id")) if "admin" in me.roles else None,
                delegate_id=_int(form.get("delegate_id")),
                roles=form.getlist("roles"),
                starts=starts,
                ends=ends,
            )
    except InvalidInput as invalid:
        return _page(errors={**invalid.errors, **typed_errors}, form=form), 422
    flash(_("La délégation est enregistrée."), "success")
    return redirect(url_for("delegation.index"))


@blueprint.post("/<int(max=2147483647):delegation_id>/fin")
def revoke(delegation_id: int):
    try:
        with writing() as work:
            revoke_delegation(work, actor(), delegation_id)
    except InvalidInput:
        flash(_("Cette délégation est déjà terminée."), "error")
    else:
        flash(_("La délégation a pris fin."), "success")
    return redirect(url_for("delegation.index"))


def _page(errors: dict | None = None, form=None) -> str:
    me, work = actor(), reading()
    now = work.clock()
    mine = list_delegations(work, me)
    admin = "admin" in me.roles
    people = work.session.execute(
        select(User.id, User.name, User.email).where(User.active).order_by(User.name, User.id)
    ).all()
    user = work.session.get(User, me.id)
    return render_template(
        "ui/account/delegations.html",
        given=[d for d in mine if d.delegator_id == me.id],
        received=[d for d in mine if d.delegate_id == me.id],
        everyone=list_delegations(work, me, everyone=True) if admin else [],
        admin=admin,
        people=people,
        roles=[(r, ROLES[r]) for r in (DELEGABLE if admin else delegable_roles(user))],
        statuses=STATUSES,
        role_labels=ROLES,
        now=now,
        errors=errors or {},
        form=form or {},
        checked=set(form.getlist("roles")) if form else set(),
    )


def _day(form, name: str, errors: dict[str, list[str]]):
    try:
        return parse_date(form.get(name))
    except FrenchInputError as bad:
        errors[name] = [str(bad)]
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None

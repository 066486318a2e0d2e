"""Sign-in and sign-out (the account pages grow here: password change, language, tokens)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from engine.models import User
from engine.passwords import verify_password
from web.login import SignedIn
from web.ui.common import local_path, uow

blueprint = Blueprint("account", __name__)


@blueprint.route("/connexion", methods=["GET", "POST"])
def sign_in():
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        user = uow().session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if (
            user is not None
            and user.active
            and verify_password(user.password_hash, request.form.get("password", ""))
        ):
            login_user(SignedIn(user))
            return redirect(local_path(request.args.get("next")) or url_for("worklist.index"))
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
    return render_template("ui/sign_in.html", email=email), 200 if request.method == "GET" else 401


@blueprint.post("/deconnexion")
def sign_out():
    logout_user()
    flash(_("Vous êtes déconnecté(e)."), "info")
    return redirect(url_for("account.sign_in"))


@blueprint.get("/compte")
def profile():
    if not current_user.is_authenticated:
        return redirect(url_for("account.sign_in", next=request.path))
    return render_template("ui/placeholder.html", title=_("Mon compte"))

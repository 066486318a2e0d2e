"""Forgotten passwords: asking for a link by mail, and the link's page that sets a new password.

Offered when mail is configured (MAILLAGE_SMTP_URL in the app's environment); the pages answer
404 otherwise. The link's page is never cached and sends no Referer: its address is a secret.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.services import password_reset
from web.context import reading, writing

blueprint = Blueprint("password_reset", __name__)
ENABLED = "MAILLAGE_PASSWORD_RESET"  # app.config key: True when mail can be sent
# The link's page: its URL holds the secret; no copy in a cache, no Referer to anywhere.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.before_request
def _only_with_mail():
    if not current_app.config.get(ENABLED):
        abort(404)


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def ask():
    if request.method == "GET":
        return render_template("ui/password_reset/ask.html", email="")
    email = request.form.get("email", "").strip()
    try:
        with writing() as work:
            password_reset.request_reset(
                work, email, request.remote_addr or "", str(get_locale() or "fr")
            )
    except password_reset.ResetThrottled as refused:
        return _throttled(email, refused)
    # The same page whether an account has this address or not.
    return render_template("ui/password_reset/sent.html", minutes=_minutes())


@blueprint.route("/mot-de-passe/<string(maxlength=100):secret>", methods=["GET", "POST"])
def choose(secret: str):
    try:
        link = password_reset.check_reset(reading(), secret)
    except password_reset.InvalidResetLink:
        return _invalid()
    if request.method == "GET":
        return _form(link), 200, PRIVATE
    new, again = request.form.get("new_password", ""), request.form.get("confirmation", "")
    if new != again:
        errors = {"confirmation": [_("Les deux mots de passe ne sont pas identiques.")]}
        return _form(link, errors), 422, PRIVATE
    try:
        with writing() as work:
            password_reset.reset_password(work, secret, new)
    except password_reset.InvalidResetLink:
        return _invalid()
    except InvalidInput as invalid:
        return _form(link, invalid.errors), 422, PRIVATE
    flash(_("Votre mot de passe a été changé. Connectez-vous avec le nouveau."), "success")
    return redirect(url_for("account.sign_in", email=link.email)), 303, PRIVATE


def _form(link: password_reset.ResetLink, errors: dict | None = None) -> str:
    return render_template("ui/password_reset/choose.html", link=link, errors=errors or {})


def _invalid():
    page = render_template("ui/password_reset/invalid.html")
    return page, 410, PRIVATE


def _throttled(email: str, refused: password_reset.ResetThrottled):
    message = ngettext(
        "Trop de demandes : réessayez dans %(num)d minute.",
        "Trop de demandes : réessayez dans %(num)d minutes.",
        refused.minutes,
    )
    flash(message, "error")
    page = render_template("ui/password_reset/ask.html", email=email)
    return page, 429, {"Retry-After": str(int(refused.retry_after.total_seconds()) + 1)}


def _minutes() -> int:
    return int(password_reset.LIFETIME.total_seconds() // 60)

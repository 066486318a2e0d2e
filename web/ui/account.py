"""Signing in and out, the language switch, and each user's own account page."""

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user
from sqlalchemy import select

from engine.errors import InvalidInput
from engine.models import FREQUENCIES, ROLES, ApiToken
from engine.services import signin, tokens
from engine.services.preferences import set_notification_frequency
from engine.services.users import set_locale
from web.context import actor, reading, writing
from web.devices import known_device, remember_device
from web.i18n import LANGUAGES, SESSION_KEY
from web.login import SignedIn
from web.security import end_browser_session, local_path

blueprint = Blueprint("account", __name__)
# The engine's sentence, translated by the catalogue (written out here for the extraction).
BLOCKED = _l(
    "Ce compte est bloqué après de trop nombreuses tentatives de connexion. Demandez à un "
    "administrateur de Maillage de le débloquer, ou connectez-vous depuis un navigateur où vous "
    "vous êtes déjà connecté(e)."
)


def signed_in(view):
    """Send anonymous visitors to the sign-in page, then back (this blueprint has public pages)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            back = request.path if request.method == "GET" else url_for("account.profile")
            return redirect(url_for("account.sign_in", next=back))
        return view(*args, **kwargs)

    return wrapper


@blueprint.route("/connexion", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(local_path(request.args.get("next")) or url_for("worklist.index"))
    if request.method == "GET":
        # After a password reset, the account's address is filled in.
        return render_template("ui/sign_in.html", email=request.args.get("email", "")[:254])
    email, device = request.form.get("email", "").strip(), known_device()
    try:
        with writing() as work:
            user = signin.sign_in(
                work, email, request.form.get("password", ""), request.remote_addr or "", device
            )
    except signin.Throttled as refused:
        return _throttled(email, refused)
    except signin.AccountBlocked:
        flash(str(BLOCKED), "error")
        return render_template("ui/sign_in.html", email=email), 403
    except signin.SignInRefused:
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
        return render_template("ui/sign_in.html", email=email), 401
    _start_session(user)
    page = redirect(local_path(request.args.get("next")) or url_for("worklist.index"))
    return remember_device(page, user.id, device)


def _throttled(email: str, refused: signin.Throttled):
    message = ngettext(
        "Trop de tentatives de connexion : réessayez dans %(num)d minute.",
        "Trop de tentatives de connexion : réessayez dans %(num)d minutes.",
        refused.minutes,
    )
    flash(message, "error")
    page = render_template("ui/sign_in.html", email=email)
    return page, 429, {"Retry-After": str(int(refused.retry_after.total_seconds()) + 1)}


def _start_session(user) -> None:
    # A fresh session for the signed-in user: nothing an anonymous visitor left in it is kept
    # but their language choice — not even the CSRF secret, so a token learnt before signing
    # in is worthless after.
    kept = {key: session[key] for key in (SESSION_KEY,) if key in session}
    session.clear()
    session.update(kept)
    login_user(SignedIn(user))


@blueprint.post("/deconnexion")
def sign_out():
    if current_user.is_authenticated:
        with writing() as work:
            signin.sign_out(work, current_user.user.id)
    end_browser_session()
    flash(_("Vous êtes déconnecté(e)."), "info")
    return redirect(url_for("account.sign_in"))


@blueprint.post("/langue")
def choose_language():
    """Switch the interface language: the account's for a user, this browser's otherwise."""
    choice = request.form.get("locale") or None
    if choice not in (None, *LANGUAGES):
        choice = None
    if current_user.is_authenticated:
        with writing() as work:
            set_locale(work, actor(), choice)
    elif choice:
        session[SESSION_KEY] = choice
    else:
        session.pop(SESSION_KEY, None)
    return redirect(local_path(request.form.get("next")) or url_for("account.sign_in"))


@blueprint.get("/compte")
@signed_in
def profile():
    return _profile_page()


@blueprint.post("/compte/mot-de-passe")
@signed_in
def change_password():
    try:
        with writing() as work:
            user = signin.change_password(
                work,
                actor(),
                request.form.get("current_password", ""),
                request.form.get("new_password", ""),
            )
    except InvalidInput as invalid:
        return _profile_page(password_errors=invalid.errors), 422
    # Every other session has ended with the old version; this one goes on with the new.
    login_user(SignedIn(user))
    flash(_("Votre mot de passe a été changé. Vos autres sessions sont fermées."), "success")
    return redirect(url_for("account.profile"))


@blueprint.post("/compte/notifications")
@signed_in
def change_notifications():
    frequency = request.form.get("notification_frequency", "")
    try:
        with writing() as work:
            set_notification_frequency(work, actor(), actor().id, frequency)
    except InvalidInput as invalid:
        return _profile_page(notification_errors=invalid.errors), 422
    flash(_("Votre préférence de notification est enregistrée."), "success")
    return redirect(url_for("account.profile"))


@blueprint.post("/compte/jetons")
@signed_in
def create_token():
    name = request.form.get("name", "")
    try:
        with writing() as work:
            issued = tokens.create_token(work, actor(), actor().id, name)
    except InvalidInput as invalid:
        return _profile_page(token_errors=invalid.errors, token_name=name), 422
    # The secret is shown in this answer only: never stored, never put in the session cookie.
    page = _profile_page(issued=issued)
    return page, 201, {"Cache-Control": "no-store"}


@blueprint.post("/compte/jetons/<int(max=2147483647):token_id>/revoquer")
@signed_in
def revoke_token(token_id: int):
    with writing() as work:
        tokens.revoke_token(work, actor(), token_id)
    flash(_("Le jeton a été révoqué."), "success")
    return redirect(url_for("account.profile"))


def _profile_page(**context) -> str:
    user = current_user.user
    own_tokens = reading().session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    context.setdefault("password_errors", {})
    context.setdefault("token_errors", {})
    context.setdefault("notification_errors", {})
    return render_template(
        "ui/account/profile.html",
        user=user,
        roles=[ROLES[r] for r in sorted(user.roles)],
        tokens=list(own_tokens),
        frequencies=FREQUENCIES,
        **context,
    )

"""Security that comes with the interface: headers, cookies, request sizes, session lifetimes."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in
from werkzeug.middleware.proxy_fix import ProxyFix

from web.context import clock

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
GENERAL_BODY_LIMIT = 2 * 1024 * 1024

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# The API's Redoc page loads its bundle from a CDN and styles itself inline (flask-smorest's
# template); only that page gets these allowances.
REDOC_PATH = "/api/v1/docs"
REDOC_POLICY = POLICY | {
    "script-src": "'self' https://cdn.jsdelivr.net",
    "style-src": "'self' 'unsafe-inline' https://fonts.googleapis.com",
    "font-src": "'self' https://fonts.gstatic.com",
    "img-src": "'self' data: https://cdn.redoc.ly",
    "worker-src": "'self' blob:",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def register_security(app: Flask) -> None:
    """Set the security headers, request size limits and session lifetimes of every answer."""
    if app.config.get("MAILLAGE_PROXIES"):
        # Only the X-Forwarded-For entries our own proxies added are believed, never a client's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["MAILLAGE_PROXIES"], x_proto=0)
    app.config.setdefault("MAX_CONTENT_LENGTH", GENERAL_BODY_LIMIT)
    app.before_request(_allow_larger_bodies)
    app.before_request(_expire_sessions)
    app.after_request(_set_headers)
    user_logged_in.connect(_stamp_sign_in, app)


def body_limit(size: int):
    """Let one view receive bodies up to `size` bytes instead of the general 2 MB."""

    def decorate(view):
        view.body_limit = size
        return view

    return decorate


def _allow_larger_bodies() -> None:
    # Before any other hook reads the form (the CSRF check does): the limit must be set first.
    view = current_app.view_functions.get(request.endpoint or "")
    size = getattr(view, "body_limit", None)
    if size is not None:
        request.max_content_length = size


def _stamp_sign_in(_app: Flask, **_extra) -> None:
    now = clock()().timestamp()
    session[SIGNED_IN_AT] = session[SEEN_AT] = now


def _expire_sessions():
    """Sign out a session idle for 30 minutes or open for 12 hours; note the others' activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = clock()().timestamp()
    if SIGNED_IN_AT not in session:  # a session from before these limits: they start now
        _stamp_sign_in(current_app)
    idle = now - session.get(SEEN_AT, now)
    age = now - session[SIGNED_IN_AT]
    if idle <= IDLE_LIMIT.total_seconds() and age <= ABSOLUTE_LIMIT.total_seconds():
        session[SEEN_AT] = now
        return None
    end_browser_session()
    if request.path.startswith("/api/"):
        return None  # the API then answers 401 to a caller it no longer knows
    flash(_("Votre session a expiré : reconnectez-vous pour continuer."), "warning")
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("account.sign_in", next=local_path(target)))


def end_browser_session() -> None:
    """Forget the signed-in user in this browser (the server-side end is the engine's)."""
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site (never another host: no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target.rstrip("?") or "/"


def _set_headers(response):
    policy = REDOC_POLICY if request.path == REDOC_PATH else POLICY
    response.headers.setdefault(
        "Content-Security-Policy", "; ".join(f"{k} {v}" for k, v in policy.items())
    )
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response

"""Who calls the API: a bearer token (any method), or a signed-in browser session (reads)."""

from flask import Flask, current_app, request
from flask_login import current_user

from engine.rules.policy import Actor
from engine.services.tokens import actor_for_token
from web.context import READS, is_api_request, reading, remember_actor, with_delegations
from web.errors import error_response
from web.login import CSRF

PUBLIC = ("/api/v1/openapi.json", "/api/v1/docs")


def register_auth(app: Flask) -> None:
    """Authenticate every /api/ request before its view runs (web.context.actor() then)."""
    app.before_request(_authenticate)


def _authenticate():
    if not is_api_request() or request.path.startswith(PUBLIC):
        return None
    caller = _bearer_actor() or _session_actor()
    if caller is None:
        return error_response(401)
    remember_actor(with_delegations(caller))
    return None


def _bearer_actor() -> Actor | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return actor_for_token(reading().connection, secret.strip())


def _session_actor() -> Actor | None:
    """A signed-in browser session: reads freely, writes only with its CSRF token."""
    if not hasattr(current_app, "login_manager"):
        return None
    if not getattr(current_user, "is_authenticated", False):
        return None
    if request.method not in READS:
        # Raises CSRFError (400) when the X-CSRFToken header is missing or wrong.
        current_app.extensions[CSRF].protect()
    return Actor.of(current_user.user)

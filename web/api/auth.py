"""Who is calling: a bearer token (any method) or a signed-in browser session (reads only)."""

from flask import Flask, current_app, g, request

from engine.policy import Actor
from engine.services.tokens import actor_for_token
from engine.uow import UnitOfWork
from web.api.errors import error_response, is_api_request
from web.login import CSRF

READS = {"GET", "HEAD", "OPTIONS"}


def register_auth(app: Flask) -> None:
    """Authenticate every /api/ request before its view runs; close its unit of work after."""

    @app.before_request
    def _authenticate():
        if not is_api_request() or request.path.startswith(
            ("/api/v1/openapi.json", "/api/v1/docs")
        ):
            return None
        if request.method in READS:
            g.uow = UnitOfWork(database(), autocommit_reads=True)
        actor = _bearer_actor() or _session_actor()
        if actor is None:
            return error_response(401)
        g.actor = actor
        return None

    @app.teardown_request
    def _close(_exc):
        uow = g.pop("uow", None)
        if uow is not None:
            uow.close()


def request_uow() -> UnitOfWork:
    """The request's read unit of work (services open their own to write)."""
    if "uow" not in g:
        g.uow = UnitOfWork(database())
    return g.uow


def database():
    from web import DATABASE

    return current_app.extensions[DATABASE]


def current_actor() -> Actor:
    return g.actor


def _bearer_actor() -> Actor | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return actor_for_token(request_uow().connection, secret.strip())


def _session_actor() -> Actor | None:
    """A signed-in browser session: reads freely, writes only with its CSRF token."""
    if not hasattr(current_app, "login_manager"):
        return None
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return None
    if request.method not in READS:
        # Raises CSRFError (400) when the X-CSRFToken header is missing or wrong.
        current_app.extensions[CSRF].protect()
    return Actor.of(current_user.user)

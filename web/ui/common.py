"""What every page shares: the signed-in actor, CSRF on every form, French formats in templates."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_login import current_user

from engine import formatting
from engine.policy import Actor
from engine.uow import UnitOfWork
from engine.workflow import WorkflowRegistry
from web.api.auth import request_uow
from web.api.errors import is_api_request
from web.login import CSRF

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def register_common(app: Flask) -> None:
    """Template filters and globals, and CSRF checks on every form the interface posts."""
    for name in ("money", "number", "day", "long_day", "moment"):
        app.add_template_filter(getattr(formatting, name), name)
    app.context_processor(lambda: {"actor": signed_in_actor()})

    @app.before_request
    def _protect_forms():
        if request.method not in SAFE_METHODS and not is_api_request():
            # Raises CSRFError (400, French page) when the form's token is missing or wrong.
            current_app.extensions[CSRF].protect()


def signin_required(blueprint: Blueprint) -> Blueprint:
    """Send anonymous visitors of every page of `blueprint` to the sign-in page, then back."""

    @blueprint.before_request
    def _require_signin():
        if not current_user.is_authenticated:
            return redirect(url_for("account.sign_in", next=local_path(request.full_path)))
        return None

    return blueprint


def roles_required(*roles: str):
    """Refuse (403) a view to users holding none of `roles`."""
    from werkzeug.exceptions import Forbidden

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not actor().roles & set(roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def signed_in_actor() -> Actor | None:
    user = getattr(current_user, "user", None)
    return Actor.of(user) if user is not None else None


def actor() -> Actor:
    """The signed-in user as the engine's rules see them (pages behind `signin_required`)."""
    return Actor.of(current_user.user)


def uow() -> UnitOfWork:
    """The request's read unit of work; write services open their own."""
    return request_uow()


def workflows() -> WorkflowRegistry:
    from web import WORKFLOWS

    return current_app.extensions[WORKFLOWS]


def database():
    from web import DATABASE

    return current_app.extensions[DATABASE]


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site (never another host: no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target.rstrip("?") or "/"

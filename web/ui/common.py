"""What every page shares: sign-in and roles required, CSRF on every form, French formats."""

from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import BinaryIO

from flask import Blueprint, Flask, current_app, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from engine.clock import local
from engine.french import formatting
from engine.records.fields import Field
from web.context import READS, actor, is_api_request, reading, signed_in_actor
from web.login import CSRF
from web.security import local_path


def register_common(app: Flask) -> None:
    """Template filters and globals, and CSRF checks on every form the interface posts."""
    for name in ("money", "number", "rate", "day", "long_day", "moment"):
        app.add_template_filter(getattr(formatting, name), name)
    app.context_processor(lambda: {"actor": signed_in_actor()})
    app.add_template_global(english)

    @app.before_request
    def _protect_forms():
        if request.method not in READS and not is_api_request():
            # Raises CSRFError (400, French page) when the form's token is missing or wrong.
            current_app.extensions[CSRF].protect()


def english() -> bool:
    """Tell whether the page is in English (a template global too)."""
    return str(get_locale() or "fr").startswith("en")


def form_labels(fields: tuple[Field, ...]) -> dict[str, str]:
    """Return a form's labels in the page's language, by input name, from a field table."""
    en = english()
    return {f.form_name: f.form_label(en) for f in fields}


def form_help(fields: tuple[Field, ...]) -> dict[str, str]:
    """Return the hints under a form's fields in the page's language, by input name."""
    en = english()
    return {f.form_name: f.help_text(en) for f in fields if f.help}


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

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not actor().roles & set(roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorate


# The formats a report's table downloads in, and their media types.
TABLE_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def send_table(fmt: str, stem: str, write: Callable[[BinaryIO], None]):
    """Send what `write(out)` writes as a download named `<stem>-<Martinique day>.<fmt>`."""
    out = BytesIO()
    write(out)
    out.seek(0)
    day = local(reading().clock()).date()  # the Martinique day, not the server's
    name = f"{stem}-{day:%Y-%m-%d}.{fmt}"
    return send_file(out, mimetype=TABLE_TYPES[fmt], as_attachment=True, download_name=name)

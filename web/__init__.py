"""The web application: an app factory and small `register_*` helpers; views stay thin."""

import os

from flask import Flask

from engine.db.config import Settings
from web import views
from web.api import register_api
from web.context import DATABASE, WORKFLOWS, register_context
from web.errors import register_errors
from web.i18n import register_i18n
from web.login import register_login
from web.security import register_security
from web.ui import register_ui

__all__ = ["DATABASE", "WORKFLOWS", "create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from settings (read from the environment when not given)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    register_config(app, settings)
    register_context(app, settings)
    register_login(app)
    register_i18n(app)
    register_security(app)
    app.register_blueprint(views.blueprint)
    register_ui(app)
    register_api(app)
    register_errors(app)  # after the API: it replaces flask-smorest's handler of HTTP errors
    return app


def register_config(app: Flask, settings: Settings) -> None:
    # Behind HTTPS (MAILLAGE_SECURE_COOKIES=1, see docs/deployment.md) cookies never travel in
    # clear; a workstation served over plain HTTP would otherwise lose its session.
    secure = os.environ.get("MAILLAGE_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes"}
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAILLAGE_DATABASE_URL=settings.database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        MAILLAGE_PROXIES=_proxies(),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        # Requests larger than this get a 413 before any view reads them (the import page,
        # marked with web.security.body_limit, accepts its 20 MB files).
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # The forgotten-password pages need mail: offered when an SMTP server is configured.
        MAILLAGE_PASSWORD_RESET=bool(os.environ.get("MAILLAGE_SMTP_URL", "").strip()),
    )


def _proxies() -> int:
    # How many reverse proxies stand before the app: the sign-in throttle then counts failures
    # by the address the nearest of them saw (X-Forwarded-For), not by the proxy's own address.
    value = os.environ.get("MAILLAGE_PROXIES", "0").strip()
    return int(value) if value.isdigit() else 0

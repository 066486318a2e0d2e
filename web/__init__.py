"""The web application: an app factory and small `register_*` helpers; views stay thin."""

import os

from flask import Flask

from engine.config import Settings
from engine.database import Database
from engine.workflow import WorkflowRegistry, default_registry
from web.api import register_api
from web.i18n import register_i18n
from web.login import register_login
from web.security import register_security

DATABASE = "maillage.db"
WORKFLOWS = "maillage.workflows"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from settings (read from the environment when not given)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    register_config(app, settings)
    register_workflows(app)
    register_database(app, settings)
    register_login(app)
    register_i18n(app)
    register_security(app)
    register_blueprints(app)
    register_api(app)
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
    )


def _proxies() -> int:
    # How many reverse proxies stand before the app: the sign-in throttle then counts failures
    # by the address the nearest of them saw (X-Forwarded-For), not by the proxy's own address.
    value = os.environ.get("MAILLAGE_PROXIES", "0").strip()
    return int(value) if value.isdigit() else 0


def register_workflows(app: Flask) -> None:
    # Loading validates every workflow file: an invalid one raises WorkflowError here, so the
    # application refuses to start rather than fail on the first transition.
    registry: WorkflowRegistry = default_registry()
    app.extensions[WORKFLOWS] = registry


def register_database(app: Flask, settings: Settings) -> None:
    # One engine (and its pool) for the process. Requests open and close their own sessions,
    # so there is nothing to tear down per request; the pool lives as long as the app.
    app.extensions[DATABASE] = Database(settings.database_url)


def register_blueprints(app: Flask) -> None:
    from web.ui import register_ui
    from web.views import blueprint

    app.register_blueprint(blueprint)
    register_ui(app)

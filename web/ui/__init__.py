"""The browser interface: server-rendered French pages, one blueprint per feature."""

from importlib import import_module

from flask import Flask

from web.ui.common import register_common

FEATURES = (
    "account",
    "admin",
    "audit",
    "dashboard",
    "inventory",
    "poolings",
    "schemes",
    "workflows",
    "worklist",
)


def register_ui(app: Flask) -> None:
    register_common(app)
    for name in FEATURES:
        app.register_blueprint(import_module(f"web.ui.{name}").blueprint)

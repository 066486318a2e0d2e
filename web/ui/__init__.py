"""The browser interface: server-rendered French pages, one blueprint per feature."""

from flask import Flask

from web.public_cache import register_public_cache
from web.ui import (
    account,
    admin,
    audit,
    candidates,
    catalogue,
    dashboard,
    delegations,
    diagnostic,
    inventory,
    meeting_documents,
    meetings,
    objectives,
    opinions,
    password_reset,
    poolings,
    reports,
    schemes,
    workflows,
    worklist,
)
from web.ui.common import register_common

FEATURES = (
    account,
    admin,
    audit,
    candidates,
    catalogue,
    dashboard,
    delegations,
    diagnostic,
    inventory,
    meeting_documents,
    meetings,
    opinions,
    objectives,
    password_reset,
    poolings,
    reports,
    schemes,
    workflows,
    worklist,
)


def register_ui(app: Flask) -> None:
    register_common(app)
    register_public_cache(app)
    for feature in FEATURES:
        app.register_blueprint(feature.blueprint)

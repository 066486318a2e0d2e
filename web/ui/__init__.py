"""The browser interface: server-rendered French pages, one blueprint per feature."""

from flask import Flask

from web.ui.common import register_common


def register_ui(app: Flask) -> None:
    from web.ui import (
        account,
        admin,
        audit,
        dashboard,
        inventory,
        poolings,
        schemes,
        workflows,
        worklist,
    )

    register_common(app)
    for module in (
        account,
        admin,
        audit,
        dashboard,
        inventory,
        poolings,
        schemes,
        workflows,
        worklist,
    ):
        app.register_blueprint(module.blueprint)

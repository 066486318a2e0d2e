"""The REST API under /api/v1: flask-smorest blueprints, one error shape, bearer tokens."""

from flask import Flask

from web.api import (
    audit,
    candidates,
    delegations,
    diagnostic,
    events,
    objectives,
    opinions,
    organisations,
    poolings,
    reference,
    reports,
    schemes,
    session,
    tokens,
    users,
)
from web.api.auth import register_auth
from web.api.errors import Api, register_api_errors
from web.api.hardening import register_hardening
from web.api.meetings import views as meetings

API = "maillage.api"
RESOURCES = (
    reference,
    schemes,
    poolings,
    meetings,
    objectives,
    session,
    audit,
    events,
    delegations,
    opinions,
    organisations,
    tokens,
    users,
    reports,
    diagnostic,
    candidates,
)


def register_api(app: Flask) -> None:
    """Mount /api/v1 with its OpenAPI document (/api/v1/openapi.json) and documentation page."""
    app.config.update(
        API_TITLE="Maillage",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_REDOC_PATH="docs",
        OPENAPI_REDOC_URL="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js",
        API_SPEC_OPTIONS={
            "info": {"description": "Recensement des dispositifs d'aides du CTPLI Martinique."},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = Api(app)
    app.extensions[API] = api
    register_auth(app)
    register_hardening(app, api)
    register_api_errors(app)
    for resource in RESOURCES:
        for blueprint in resource.BLUEPRINTS:
            api.register_blueprint(blueprint, url_prefix="/api/v1" + blueprint.url_prefix)

"""One JSON shape for every API error: {"code", "message" (French), "errors" per field}."""

import flask_smorest
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted
from web.api.schemas import ErrorSchema

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise : en-tête « Authorization: Bearer <jeton> ».",
    403: "Action non permise.",
    404: "Ressource introuvable ou non accessible.",
    405: "Méthode non permise sur cette ressource.",
    409: "Conflit : la ressource a changé entre-temps.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge : envoyez du JSON (application/json).",
    422: "Données invalides.",
    429: "Trop de requêtes : réessayez dans un instant.",
    500: "Erreur interne : l'incident est enregistré.",
}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
}


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting the error shape this module answers (not its own)."""

    ERROR_SCHEMA = ErrorSchema


ERROR_DESCRIPTIONS = {
    401: "Jeton absent, invalide ou révoqué.",
    403: "Action non permise : `reasons` dit pourquoi (codes et phrases).",
    404: "Élément inexistant ou non visible pour l'appelant.",
    409: "Version périmée : `current_version`, `changed_by`, `changed_at`.",
    422: "Données invalides : `errors` champ par champ.",
}


def declare(blp, *statuses: int):
    """Document the error answers of an endpoint (401 always) with the one error shape."""

    def decorate(view):
        for status in sorted({401, *statuses}, reverse=True):
            view = blp.alt_response(
                status, schema=ErrorSchema, description=ERROR_DESCRIPTIONS[status]
            )(view)
        return view

    return decorate


def error_response(status: int, message: str | None = None, **extra):
    """Return the API's JSON error for a status, with optional extra members."""
    body = {
        "code": CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, ""),
        **extra,
    }
    return jsonify(body), status


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def register_errors(app: Flask, api) -> None:
    """Map engine errors and HTTP errors: JSON under /api/, French pages elsewhere."""
    from web.ui.errors import error_page

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        if not is_api_request():
            return error_page(exc)
        return error_response(404, exc.message)

    @app.errorhandler(NotPermitted)
    def _not_permitted(exc: NotPermitted):
        if not is_api_request():
            return error_page(exc)
        reasons = [
            {"code": r.code, "message": r.message, "fields": list(r.fields)} for r in exc.reasons
        ]
        return error_response(403, str(exc), reasons=reasons)

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput):
        if not is_api_request():
            return error_page(exc)
        return error_response(422, exc.message, errors=exc.errors)

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict):
        if not is_api_request():
            return error_page(exc)
        changed_at = exc.changed_at.isoformat() if exc.changed_at else None
        return error_response(
            409,
            exc.message,
            current_version=exc.current_version,
            changed_by=exc.changed_by,
            changed_at=changed_at,
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not is_api_request():
            return error_page(exc)
        return _http_json(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        if not is_api_request():
            return error_page(exc)
        return error_response(500)


def _http_json(exc: HTTPException):
    status = exc.code or 500
    extra = {}
    # webargs/flask-smorest put the field errors of a 422 in exc.data["messages"].
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if messages:
        extra["errors"] = _flatten(messages)
    response, status = error_response(status, **extra)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response, status


def _flatten(messages: dict) -> dict[str, list[str]]:
    """webargs nests errors by location ({"json": {"field": [...]}}): keep the field level."""
    from engine.messages import french_errors

    out: dict[str, list[str]] = {}
    for location, fields in messages.items():
        out.update(
            french_errors(fields)
            if isinstance(fields, dict)
            else {location: [str(m) for m in fields]}
        )
    return out

"""Every error as an answer: the API's one JSON shape under /api/, a French page elsewhere.

The JSON shape is {"code", "message" (French)} with, depending on the error, "errors" field by
field, "reasons" or the conflict's "current_version", "changed_by", "changed_at" (docs/api.md;
web/api/errors.py documents it in the OpenAPI document).
"""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, MaillageError, NotFound, NotPermitted
from engine.french.messages import french_errors
from web.context import is_api_request

STATUSES = {NotFound: 404, NotPermitted: 403, Conflict: 409, InvalidInput: 422}

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


def N_(message: str) -> str:
    """Mark a message for extraction only: it is translated when the page is rendered."""
    return message


# Kept as plain French (not lazy) so the fallback page still reads if translating fails.
TITLES = {
    400: N_("Requête invalide"),
    403: N_("Action non permise"),
    404: N_("Page introuvable"),
    405: N_("Méthode non permise"),
    409: N_("Conflit de modification"),
    413: N_("Envoi trop volumineux"),
    422: N_("Données invalides"),
    429: N_("Trop de tentatives"),
    500: N_("Erreur interne"),
}
EXPLANATIONS = {
    400: N_(
        "La demande n'a pas pu être comprise. Si vous avez envoyé un formulaire, rechargez la "
        "page et réessayez : sa durée de validité a peut-être expiré."
    ),
    403: N_("Vous n'avez pas les droits nécessaires pour cette action."),
    404: N_("Cette page n'existe pas, ou l'élément demandé ne vous est pas accessible."),
    405: N_("Cette adresse ne s'utilise pas de cette manière."),
    409: N_("L'élément a été modifié par quelqu'un d'autre entre-temps. Rechargez la page."),
    413: N_("Le fichier ou le formulaire envoyé dépasse la taille permise."),
    422: N_("Certaines données sont invalides."),
    429: N_("Trop de tentatives : patientez un instant avant de réessayer."),
    500: N_(
        "Une erreur inattendue s'est produite ; elle a été enregistrée. Vos données n'ont pas "
        "été modifiées : réessayez dans un instant."
    ),
}


def register_errors(app: Flask) -> None:
    """Answer engine and HTTP errors; log any other exception, then answer 500.

    Call it after flask-smorest's Api is built: it registers an HTTPException handler of its
    own, which this one replaces.
    """
    for error in (*STATUSES, HTTPException):
        app.register_error_handler(error, answer_error)
    app.register_error_handler(Exception, _unexpected)


def answer_error(exc: Exception):
    """The JSON error under /api/, the French page elsewhere."""
    return error_json(exc) if is_api_request() else error_page(exc)


def _unexpected(exc: Exception):
    if not isinstance(exc, HTTPException):
        current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return answer_error(exc)


def error_response(status: int, message: str | None = None, **extra):
    """Return the API's JSON error for a status, with optional extra members."""
    body = {
        "code": CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, ""),
        **extra,
    }
    return jsonify(body), status


def error_json(exc: Exception):
    """The API's answer to an HTTP or engine error (500 for anything else)."""
    if isinstance(exc, HTTPException):
        return _http_json(exc)
    status = _engine_status(exc)
    if status is None:
        return error_response(500)
    return error_response(status, getattr(exc, "message", str(exc)), **_json_details(exc))


def _json_details(exc: Exception) -> dict:
    if isinstance(exc, NotPermitted):
        reasons = [
            {"code": r.code, "message": r.message, "fields": list(r.fields)} for r in exc.reasons
        ]
        return {"reasons": reasons}
    if isinstance(exc, InvalidInput):
        return {"errors": exc.errors}
    if isinstance(exc, Conflict):
        return {
            "current_version": exc.current_version,
            "changed_by": exc.changed_by,
            "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
        }
    return {}


def _http_json(exc: HTTPException):
    extra = {}
    # webargs/flask-smorest put the field errors of a 422 in exc.data["messages"].
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if messages:
        extra["errors"] = _flatten(messages)
    response, status = error_response(exc.code or 500, **extra)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response, status


def _flatten(messages: dict) -> dict[str, list[str]]:
    """webargs nests errors by location ({"json": {"field": [...]}}): keep the field level."""
    out: dict[str, list[str]] = {}
    for location, fields in messages.items():
        out.update(
            french_errors(fields)
            if isinstance(fields, dict)
            else {location: [str(m) for m in fields]}
        )
    return out


def error_page(exc: Exception):
    """Render the French error page for an HTTP or engine error (500 for anything else)."""
    status = _page_status(exc)
    title = TITLES.get(status, TITLES[500])
    explanation = EXPLANATIONS.get(status, EXPLANATIONS[500])
    try:
        response = render_template(
            "ui/error.html",
            status=status,
            title=_(title),
            explanation=_(explanation),
            reasons=_page_reasons(exc),
        )
    except Exception:  # the page itself failed (a template or the database): plain French text
        logging.getLogger(__name__).exception("error page for %s failed", status)
        response = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{explanation}</p>"
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status, headers


def _page_status(exc: Exception) -> int:
    if isinstance(exc, HTTPException):
        return exc.code or 500
    if isinstance(exc, MaillageError):
        # An engine error no status is meant for is still the caller's request refused.
        return _engine_status(exc) or 400
    return 500


def _page_reasons(exc: Exception) -> list[str]:
    if isinstance(exc, NotPermitted):
        return [r.message for r in exc.reasons]
    if isinstance(exc, InvalidInput):
        return [m for messages in exc.errors.values() for m in messages]
    return []


def _engine_status(exc: Exception) -> int | None:
    return next((s for t, s in STATUSES.items() if isinstance(exc, t)), None)

"""The API's error answers as its OpenAPI document shows them (web/errors.py answers them)."""

import flask_smorest

from web.api.schemas import ErrorSchema


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting the error shape web/errors.py answers (not its own)."""

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

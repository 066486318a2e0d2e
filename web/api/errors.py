"""The API's error answers as its OpenAPI document shows them (web/errors.py answers them),
and the one engine error whose answer is the API's own: a meeting not ready to close."""

import flask_smorest
from flask import Flask

from engine.services.meetings import MeetingNotReady
from web.api.meetings.bodies import report_body
from web.api.schemas import ErrorSchema
from web.context import is_api_request
from web.errors import answer_error, error_response


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
NOT_READY = "meeting_not_ready"


def declare(blp, *statuses: int, notes: dict[int, str] | None = None):
    """Document the error answers of an endpoint (401 always) with the one error shape;
    `notes` replaces the description of a status where it means more than usual."""
    descriptions = {**ERROR_DESCRIPTIONS, **(notes or {})}

    def decorate(view):
        for status in sorted({401, *statuses}, reverse=True):
            view = blp.alt_response(status, schema=ErrorSchema, description=descriptions[status])(
                view
            )
        return view

    return decorate


def register_api_errors(app: Flask) -> None:
    """Answer a meeting that cannot close with 409 and the close's report in `details`."""
    app.register_error_handler(MeetingNotReady, _not_ready)


def _not_ready(exc: MeetingNotReady):
    if not is_api_request():
        return answer_error(exc)
    return error_response(409, str(exc), code=NOT_READY, details=report_body(exc.report))

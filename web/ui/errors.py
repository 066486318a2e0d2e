"""Error pages in French (and English) for the browser interface."""

import logging

from flask import render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, MaillageError, NotFound, NotPermitted


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
ENGINE_STATUS = {NotFound: 404, NotPermitted: 403, Conflict: 409, InvalidInput: 422}


def error_page(exc: Exception):
    """Render the French error page for an HTTP or engine error (500 for anything else)."""
    status, reasons = _status_and_reasons(exc)
    title = TITLES.get(status, TITLES[500])
    explanation = EXPLANATIONS.get(status, EXPLANATIONS[500])
    try:
        response = render_template(
            "ui/error.html",
            status=status,
            title=_(title),
            explanation=_(explanation),
            reasons=reasons,
        )
    except Exception:  # the page itself failed (a template or the database): plain French text
        logging.getLogger(__name__).exception("error page for %s failed", status)
        response = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{explanation}</p>"
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status, headers


def _status_and_reasons(exc: Exception) -> tuple[int, list[str]]:
    if isinstance(exc, HTTPException):
        return exc.code or 500, []
    if isinstance(exc, MaillageError):
        status = next((s for t, s in ENGINE_STATUS.items() if isinstance(exc, t)), 400)
        if isinstance(exc, NotPermitted):
            return status, [r.message for r in exc.reasons]
        if isinstance(exc, InvalidInput):
            return status, [m for messages in exc.errors.values() for m in messages]
        return status, []
    return 500, []

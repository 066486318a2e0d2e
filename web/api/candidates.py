"""Pooling candidates (pistes de mutualisation): read by the COTECH, its coordinator, the COPIL
and the secretaries; set aside with a reason by the COTECH and its coordinator."""

from flask_smorest import Blueprint

from engine.queries.candidates import candidate_page, parse_filter
from engine.services.candidates import dismiss_candidate
from web.api.errors import declare
from web.api.schemas import CandidateListArgs, CandidatePageSchema, DismissBody
from web.context import actor, reading, writing

candidates = Blueprint(
    "candidates",
    __name__,
    url_prefix="/candidates",
    description="Pistes de mutualisation : paires et groupes de dispositifs qui se recouvrent.",
)
BLUEPRINTS = (candidates,)


@candidates.route("")
@candidates.arguments(CandidateListArgs, location="query")
@candidates.response(200, CandidatePageSchema)
@declare(candidates, 403, 422)
def list_candidates(args: dict):
    """Lister les pistes, de la meilleure à la moins bonne (thématique, territoire, structure)."""
    session = reading().session
    raw = {k: str(args[k]) for k in ("theme", "territory", "organisation_id") if k in args}
    filters = parse_filter(session, raw)
    page = candidate_page(session, actor(), filters, args["page"], args["per_page"])
    items = [
        {
            "id": c.id,
            "size": c.size,
            "score": round(c.score, 4),
            "reasons": c.reasons,
            "explanation": c.explained(),
            "explanation_en": c.explained(english=True),
            "members": [m.__dict__ for m in c.members],
        }
        for c in page.rows
    ]
    return {"total": page.total, "page": page.page, "per_page": args["per_page"], "items": items}


@candidates.route("/<int(max=2147483647):candidate_id>/dismiss", methods=["POST"])
@candidates.arguments(DismissBody)
@candidates.response(204)
@declare(candidates, 403, 404, 422)
def dismiss(data: dict, candidate_id: int):
    """Écarter une piste, avec la raison (COTECH, coordinateur) ; elle ne revient que si l'un
    des dispositifs change nettement."""
    with writing() as work:
        dismiss_candidate(work, actor(), candidate_id, data["reason"])

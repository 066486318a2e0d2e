"""What the COTECH does with a piste de mutualisation: set it aside with a reason (audited), or
turn it into a pooling draft in one step (the pooling creation service, audited as ever)."""

from decimal import Decimal
from typing import Any

from sqlalchemy import delete

from engine.candidates.reasons import sentence
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import CandidateDismissal, Pooling, PoolingCandidate, Scheme
from engine.queries.candidates import DISMISSERS, ensure_reader, load_candidate
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason, role_reason
from engine.services.records import create_pooling

REASON_LENGTH = 2000
TITLE_LENGTH = 180
SAME_TEXT = 50  # percent of text similarity from which a pair reads as one scheme twice


def dismiss_candidate(uow: UnitOfWork, actor: Actor, candidate_id: int, reason: str) -> None:
    """Set a candidate aside with the reason why (COTECH or its coordinator), audited. It stays
    hidden until its score rises markedly (a member changed), see `COMES_BACK`."""
    conn = uow.begin_write()
    if not actor.active:
        raise NotPermitted(inactive_reason())
    refused = role_reason(DISMISSERS, actor, None)
    if refused:
        raise NotPermitted(refused)
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput({"reason": ["Indiquez pourquoi cette piste est écartée."]})
    if len(text) > REASON_LENGTH:
        raise InvalidInput({"reason": [f"{REASON_LENGTH} caractères au plus."]})
    session = uow.session
    candidate = session.get(PoolingCandidate, candidate_id)
    if candidate is None:
        raise NotFound("Cette piste n'existe plus : elle a peut-être été recalculée.")
    now = uow.clock()
    session.execute(delete(CandidateDismissal).where(CandidateDismissal.key == candidate.key))
    session.add(
        CandidateDismissal(
            key=candidate.key,
            score=candidate.score,
            reason=text,
            dismissed_at=now,
            dismissed_by_id=actor.id,
        )
    )
    session.flush()
    references = _references(uow, candidate.key)
    entry = audit.Entry(
        record_type="candidate",
        record_id=candidate.id,
        action="dismiss",
        occurred_at=now,
        actor_id=actor.id,
        actor_label=actor.label,
        comment=text,
        data={"members": references, "score": round(candidate.score, 4), "key": candidate.key},
    )
    audit.append(conn, [entry])
    uow.commit()


def _references(uow: UnitOfWork, key: str) -> list[str]:
    ids = [int(i) for i in key.split("-")]
    return [uow.session.get(Scheme, i).reference for i in ids]


def draft_pooling(uow: UnitOfWork, actor: Actor, candidate_id: int) -> Pooling:
    """Create a pooling from a candidate: its members, kind, territories, expected budget and
    rationale filled from the candidate (COTECH), through the pooling creation service."""
    ensure_reader(actor)
    candidate = load_candidate(uow.session, actor, candidate_id)
    if candidate is None:
        raise NotFound("Cette piste n'existe plus : elle a peut-être été recalculée.")
    data = draft_data(uow, candidate)
    uow.close()  # the creation begins its own write transaction
    return create_pooling(uow, actor, data)


def draft_data(uow: UnitOfWork, candidate) -> dict[str, Any]:
    """The pooling a candidate suggests: what the creation form would be filled with."""
    schemes = [uow.session.get(Scheme, m.id) for m in candidate.members]
    budgets = [s.annual_budget for s in schemes if s.annual_budget is not None]
    lead = max(schemes, key=lambda s: (s.annual_budget or Decimal(0), -s.id))
    title = "Mutualisation : " + " / ".join(s.title for s in schemes)
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1] + "…"
    territories = [t.cog for s in schemes for t in s.territories]
    data: dict[str, Any] = {
        "title": title,
        "kind": suggested_kind(candidate.reasons),
        "rationale": f"Piste de mutualisation ({candidate.percent} %) : "
        + sentence(candidate.reasons)
        + ".",
        "lead_organisation_id": lead.organisation_id,
        "scheme_ids": [s.id for s in schemes],
        "territories": list(dict.fromkeys(territories)),
    }
    if budgets:
        data["expected_budget"] = str(sum(budgets, Decimal(0)))
    return data


def suggested_kind(reasons: list[dict[str, Any]]) -> str:
    """Fusion when the texts read alike, shared means on the same territory, else coordination."""
    kinds = {r["kind"]: r for r in reasons}
    if kinds.get("text", {}).get("percent", 0) >= SAME_TEXT:
        return "fusion"
    if kinds.get("territory", {}).get("relation") == "same":
        return "shared_resources"
    return "coordination"

"""The COPIL's record of decisions over a period (a meeting's agenda is in agenda.py)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engine.clock import MARTINIQUE, local
from engine.db.uow import UnitOfWork
from engine.documents.display import INPUT_LABELS, Display
from engine.documents.document import Document
from engine.documents.environment import render
from engine.documents.timeline import actor_names
from engine.errors import NotPermitted
from engine.models import AuditEvent, Scheme
from engine.records.registry import RECORD_TYPES, record_type
from engine.rules.policy import Actor, can_see, inactive_reason

OUTCOMES = {
    "approve": "Approbations",
    "reject": "Rejets (non retenus)",
    "send_back": "Renvois au COTECH",
}
DEFAULT_PERIOD_DAYS = 60


@dataclass(frozen=True)
class Decision:
    occurred_at: datetime
    kind_label: str
    reference: str
    title: str
    organisation: str
    outcome: str
    decided_by: str
    decision_reference: str | None
    comment: str | None
    details: tuple[tuple[str, str], ...]


def copil_decisions_document(
    uow: UnitOfWork, actor: Actor, since: date | None = None, until: date | None = None
) -> Document:
    """Render the COPIL's decisions taken from `since` to `until` (default: the last 60 days)."""
    _ensure_active(actor)
    until = until or local(uow.clock()).date()
    since = since or until - timedelta(days=DEFAULT_PERIOD_DAYS)
    decisions = _decisions(uow, actor, since, until)
    groups = [
        (label, [d for d in decisions if d.outcome == code]) for code, label in OUTCOMES.items()
    ]
    html = render(
        "copil_decisions.html",
        groups=groups,
        count=len(decisions),
        since=since,
        until=until,
        issued_at=uow.clock(),
        issued_by=actor.label,
    )
    details = {"since": since.isoformat(), "until": until.isoformat(), "rows": len(decisions)}
    name = f"copil-decisions-{since}-{until}"
    return Document("copil_decisions", html, "copil", name, details=details)


def render_copil_decisions(
    uow: UnitOfWork, actor: Actor, since: date | None = None, until: date | None = None
) -> str:
    """Return the printable HTML record of the COPIL's decisions over a period."""
    return copil_decisions_document(uow, actor, since, until).html


def _ensure_active(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())


def _decisions(uow: UnitOfWork, actor: Actor, since: date, until: date) -> list[Decision]:
    start = datetime.combine(since, time.min, MARTINIQUE)
    end = datetime.combine(until + timedelta(days=1), time.min, MARTINIQUE)
    rows = uow.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.record_type.in_(RECORD_TYPES),
            AuditEvent.action.in_(OUTCOMES),
            # A COTECH rejection (from recorded or reviewed) is not a decision of the COPIL.
            AuditEvent.from_state == "proposed",
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
        )
        .order_by(AuditEvent.position)
    ).all()
    names = actor_names(uow.session, {r.actor_id for r in rows if r.actor_id is not None})
    records = _records(uow, rows)
    display = Display(uow.session)
    return [_decision(uow, actor, row, records, names, display) for row in rows]


def _records(uow: UnitOfWork, rows: list[AuditEvent]) -> dict[tuple[str, int], Any]:
    found = {}
    for kind, rtype in RECORD_TYPES.items():
        model = rtype.model
        ids = {r.record_id for r in rows if r.record_type == kind}
        if ids:
            found.update(
                ((kind, o.id), o)
                for o in uow.session.scalars(select(model).where(model.id.in_(ids)))
            )
    return found


def _decision(uow, actor: Actor, row: AuditEvent, records, names, display: Display) -> Decision:
    record = records[(row.record_type, row.record_id)]
    inputs = dict(row.inputs or {})
    workflow = uow.workflows.get(record.workflow_name, record.workflow_version)
    organisation = record.organisation if isinstance(record, Scheme) else record.lead_organisation
    visible = can_see(
        actor, workflow.states[record.state].visible_to, organisation.id if organisation else None
    )
    return Decision(
        occurred_at=row.occurred_at,
        kind_label=record_type(row.record_type).french.label,
        reference=row.record_reference or record.reference,
        # Reopened as a draft since the decision: the draft's current content stays private.
        title=record.title if visible else "(rouvert depuis, en brouillon)",
        organisation=organisation.name if organisation else "—",
        outcome=row.action,
        decided_by=names.get(row.actor_id, (row.actor_label or "—",))[0],
        decision_reference=inputs.pop("decision_reference", None),
        comment=row.comment,
        details=tuple((INPUT_LABELS.get(k, k), display.value(k, v)) for k, v in inputs.items()),
    )

"""A record's history for the reader: its audit events with French actions, states and values."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents.display import INPUT_LABELS, Display, field_label
from engine.models import AuditEvent, User
from engine.rules.workflow import Workflow

ACTIONS = {
    "create": "création",
    "edit": "modification",
    "comment": "commentaire",
    "link_pooling": "rattachement à une mutualisation",
    "print": "impression",
    # A meeting's own actions (engine/services/meetings/).
    "update": "modification de la séance",
    "add_item": "inscription à l'ordre du jour",
    "remove_item": "retrait de l'ordre du jour",
    "move_item": "déplacement dans l'ordre du jour",
    "attendance": "relevé de présence",
    "declare_conflict": "déclaration d'un conflit d'intérêts",
    "record_decision": "décision en séance",
    "edit_minutes": "modification du procès-verbal",
    # An objective's own actions (engine/objectives/services.py).
    "indicator_add": "ajout d'un indicateur",
    "indicator_value": "valeur d'indicateur déclarée",
    "indicator_snapshot": "valeur d'indicateur calculée",
    "milestone_add": "ajout d'une étape",
    "milestone_done": "étape réalisée",
}
DOCUMENTS = {
    "case_file": "dossier",
    "copil_agenda": "ordre du jour du COPIL",  # printed before meetings were records
    "convocation": "convocation et ordre du jour",
    "attendance_sheet": "feuille d'émargement",
    "minutes": "procès-verbal",
    "copil_decisions": "relevé de décisions du COPIL",
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Event:
    """One line of a timeline, every value already in French."""

    position: int
    occurred_at: datetime
    actor: str
    actor_email: str | None
    code: str
    action: str
    from_state: str | None
    to_state: str | None
    comment: str | None
    details: tuple[tuple[str, str], ...]
    changes: tuple[Change, ...]


def action_label(workflow: Workflow, code: str) -> str:
    """Return the French label of an audited action: a transition's label, or a known action."""
    definitions = workflow.definitions(code)
    if definitions:
        return definitions[0].label
    return ACTIONS.get(code, code)


def actor_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Return each user's (name, email) by id."""
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {row.id: (row.name, row.email) for row in rows}


def delegator_id(row: AuditEvent) -> int | None:
    """Whom the event's actor acted for, through a delegation, or None."""
    found = row.data.get("on_behalf_of") if isinstance(row.data, dict) else None
    return found if isinstance(found, int) else None


def people(rows) -> set[int]:
    """The users an event list names: its actors and the delegators they acted for."""
    return {r.actor_id for r in rows if r.actor_id is not None} | {
        i for r in rows if (i := delegator_id(r)) is not None
    }


def timeline(session: Session, display: Display, workflow: Workflow, record: Any) -> list[Event]:
    """Return every audit event of a record, oldest first, ready to print."""
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.record_type == record.record_type, AuditEvent.record_id == record.id)
        .order_by(AuditEvent.position)
    ).all()
    names = actor_names(session, people(rows))
    return [_event(row, names, display, workflow, record.record_type) for row in rows]


def _event(row: AuditEvent, names, display: Display, workflow: Workflow, kind: str) -> Event:
    name, email = names.get(row.actor_id, (row.actor_label or "—", None))
    if (delegator := delegator_id(row)) in names:
        name = f"{name} pour le compte de {names[delegator][0]}"
    return Event(
        position=row.position,
        occurred_at=row.occurred_at,
        actor=name,
        actor_email=email,
        code=row.action,
        action=action_label(workflow, row.action),
        from_state=_state_label(workflow, row.from_state),
        to_state=_state_label(workflow, row.to_state),
        comment=row.comment,
        details=_details(row, display),
        changes=tuple(
            Change(
                field_label(kind, field),
                display.value(field, change.get("before")),
                display.value(field, change.get("after")),
            )
            for field, change in (row.changes or {}).items()
        ),
    )


def _state_label(workflow: Workflow, state: str | None) -> str | None:
    if state is None:
        return None
    found = workflow.states.get(state)
    return found.label if found else state


def _details(row: AuditEvent, display: Display) -> tuple[tuple[str, str], ...]:
    details = [
        (INPUT_LABELS.get(key, key), display.value(key, value))
        for key, value in (row.inputs or {}).items()
    ]
    data = row.data or {}
    if row.action == "print" and "document" in data:
        document = DOCUMENTS.get(data["document"], data["document"])
        details.append(("Document", f"{document} ({str(data.get('format', '')).upper()})"))
    return tuple(details)

"""What the scheme and pooling resources share: reading a record for a caller, pages, events.

Every rule stays in the engine: visibility and transitions come from `available_transitions`
and `ensure_visible`, filters from `engine.queries.inventory`, writes from the services.
"""

from datetime import UTC
from typing import Any

from flask import Response, current_app
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import AuditEvent, Pooling
from engine.records.batch import read_records
from engine.records.registry import RECORD_TYPES, RecordFacts, record_type
from engine.records.representation import iso_instant
from engine.rules.policy import Actor
from engine.services.common import ensure_visible, load_facts
from engine.services.transitions import (
    TransitionOption,
    available_transitions,
    available_transitions_many,
)
from web.api.schemas import MAX_ID
from web.context import workflows


def check_id(record_id: int) -> int:
    """Refuse an id no record can have before it reaches the database (PostgreSQL int4)."""
    if not 1 <= record_id <= MAX_ID:
        raise NotFound()
    return record_id


def answer(body: dict[str, Any], status: int = 200) -> Response:
    """Send a record or a page as its declared schema would dump it, without the dump.

    The bodies built here are already exactly what SchemeSchema/PoolingSchema (and the page
    schemas) output — JSON-native values, the declared fields and no other — so flask-smorest's
    dump would copy them field by field: half of a list page's time. A Response is sent as is
    (tests/web/test_api_perf_answers.py checks that dumping would change nothing).
    """
    response = current_app.json.response(body)
    response.status_code = status
    return response


def record_body(conn: Connection, kind: str, record_id: int, actor: Actor) -> dict[str, Any]:
    """Return the record as the API shows it to `actor`; NotFound when invisible to them."""
    found = read_records(conn, kind, [check_id(record_id)])
    if not found:
        raise NotFound()
    body, facts = found[0]
    return represent(body, facts, actor)


def represent(body: dict[str, Any], facts: RecordFacts, actor: Actor) -> dict[str, Any]:
    """Return a record's body plus the transitions leaving its state (NotFound if invisible)."""
    options = available_transitions(facts, actor)
    return {**body, "transitions": [option_body(o) for o in options]}


def represent_many(found: list[tuple[dict, RecordFacts]], actor: Actor) -> list[dict[str, Any]]:
    """`represent` for the records of a page: alike records share their transitions' lists."""
    batches = available_transitions_many([facts for _, facts in found], actor)
    shown: dict[int, list[dict[str, Any]]] = {}
    items = []
    for (body, _), options in zip(found, batches, strict=True):
        if id(options) not in shown:
            shown[id(options)] = [option_body(o) for o in options]
        items.append({**body, "transitions": shown[id(options)]})
    return items


def option_body(option: TransitionOption) -> dict[str, Any]:
    """Return a transition leaving a record's state as the API shows it."""
    return {
        "name": option.name,
        "label": option.label,
        "label_en": option.label_en,
        "to": option.to,
        "to_label": option.to_label,
        "allowed": option.allowed,
        "reasons": [
            {"code": r.code, "message": r.message, "fields": list(r.fields)} for r in option.reasons
        ],
        "inputs": [
            {"name": spec.name, "type": spec.type, "required": spec.required}
            for spec in option.inputs
        ],
    }


def page_body(
    session: Session, kind: str, stmt: Select, args: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    """Return one page of `stmt` in the requested order (ties broken by id) and the total."""
    model = record_type(kind).model
    stmt = stmt.order_by(None)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    sort = args["sort"]
    column = getattr(model, sort.removeprefix("-"))
    order = [column.desc() if sort.startswith("-") else column.asc()]
    if column is not model.id:
        order.append(model.id.asc())
    page, per_page = args["page"], args["per_page"]
    ids = session.scalars(
        stmt.with_only_columns(model.id)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = represent_many(read_records(session.connection(), kind, ids), actor)
    return {"items": items, "total": total or 0, "page": page, "per_page": per_page}


def pooling_query(args: dict[str, Any]) -> Select:
    """Return the select of the poolings matching the list's filters (poolings are public)."""
    stmt = select(Pooling)
    states = [p.strip() for v in args.get("state", ()) for p in v.split(",") if p.strip()]
    if states:
        stmt = stmt.where(Pooling.state.in_(states))
    if args.get("q"):
        pattern = "%" + args["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Pooling.title.ilike(pattern + "%", escape="\\"))
    return stmt


def events_body(session: Session, kind: str, record_id: int, actor: Actor) -> list[dict]:
    """Return a visible record's audit events in chain order."""
    rtype = RECORD_TYPES[kind]
    facts = load_facts(session.connection(), rtype, check_id(record_id), lock=False)
    ensure_visible(workflows().get(facts.workflow_name, facts.workflow_version), facts, actor)
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.record_type == kind, AuditEvent.record_id == record_id)
        .order_by(AuditEvent.position)
    )
    return [
        {
            "position": e.position,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor_label": e.actor_label,
            "occurred_at": iso_instant(_aware(e.occurred_at)),
            "comment": e.comment,
            "inputs": e.inputs,
            "changes": e.changes,
        }
        for e in rows
    ]


def comment_body(comment) -> dict[str, Any]:
    """Return a new comment as the API shows it."""
    return {
        "id": comment.id,
        "body": comment.body,
        "author_id": comment.author_id,
        "created_at": iso_instant(_aware(comment.created_at)),
    }


def _aware(value):
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

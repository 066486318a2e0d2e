"""The committees' private notes on a scheme or a pooling: never shown to its owners.

Written by the COTECH, its coordinator, the COPIL and the secretaries (WRITERS); read by them and
the administrators. A note is its own table (engine/models/opinion.py says why) and its audit
event is `record_type` "committee_note", not the record's: the record's history, shown to its
owners, never holds it. The audit log itself is read by the committees and administrators only.
"""

from marshmallow import ValidationError, fields, validate
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted, Reason
from engine.french.messages import french
from engine.models import CommitteeNote
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason
from engine.services.opinions import record_facts

WRITERS = frozenset({"cotech", "coordinator", "copil", "secretary"})
READERS = WRITERS | {"admin"}
_BODY = fields.String(required=True, validate=validate.Length(min=1, max=5000))


def may_read_notes(actor: Actor) -> bool:
    return actor.active and actor.holds_any(READERS)


def may_write_notes(actor: Actor) -> bool:
    return actor.active and actor.holds_any(WRITERS)


def _refuse(actor: Actor) -> NotPermitted:
    if not actor.active:
        return NotPermitted(inactive_reason())
    return NotPermitted(
        Reason(
            "committee_only",
            "Les notes du comité sont réservées aux membres du COTECH et du COPIL, au "
            "coordinateur et aux secrétaires de séance.",
        )
    )


def add_note(uow: UnitOfWork, record, actor: Actor, body: str) -> CommitteeNote:
    """Add a private note to a record the actor can see, audited in the same transaction."""
    conn = uow.begin_write()
    facts = record_facts(uow, conn, record, actor)
    capacity = next((c for c in actor.capacities() if c.holds_any(WRITERS)), None)
    if capacity is None:
        raise _refuse(actor)
    try:
        text = _BODY.deserialize(body.strip() if isinstance(body, str) else body)
    except ValidationError as exc:
        raise InvalidInput({"body": [french(m) for m in exc.messages]}) from exc
    now = uow.clock()
    note = CommitteeNote(
        record_type=facts.kind, record_id=facts.id, author_id=actor.id, body=text, created_at=now
    )
    uow.session.add(note)
    uow.session.flush()
    audit.append(
        conn,
        [
            audit.Entry(
                record_type="committee_note",
                record_id=note.id,
                record_reference=facts.reference,
                action="note",
                occurred_at=now,
                actor_id=actor.id,
                actor_label=capacity.label,
                comment=text,
                data={
                    "record_type": facts.kind,
                    "record_id": facts.id,
                    **(capacity.audit_data() or {}),
                },
            )
        ],
    )
    uow.commit()
    return note


def notes_of(uow: UnitOfWork, record, actor: Actor) -> list[CommitteeNote]:
    """The notes on a record, oldest first; NotPermitted for anyone but the committees."""
    facts = record_facts(uow, uow.connection, record, actor)
    if not may_read_notes(actor):
        raise _refuse(actor)
    stmt = (
        select(CommitteeNote)
        .where(CommitteeNote.record_type == facts.kind, CommitteeNote.record_id == facts.id)
        .order_by(CommitteeNote.created_at, CommitteeNote.id)
    )
    return list(uow.session.scalars(stmt))

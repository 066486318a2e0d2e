"""Comments on a scheme or a pooling, each one an audit event."""

from marshmallow import ValidationError, fields, validate

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.french.messages import french
from engine.models import Comment
from engine.records import audit
from engine.records.registry import RECORD_TYPES
from engine.rules.policy import Actor
from engine.services.common import RecordRef, ensure_visible, load_facts

_BODY = fields.String(required=True, validate=validate.Length(min=1, max=5000))


def add_comment(uow: UnitOfWork, record, actor: Actor, body: str) -> Comment:
    """Add a comment to a record the actor can see, audited in the same transaction."""
    ref = RecordRef.of(record)
    rtype = RECORD_TYPES[ref.kind]
    conn = uow.begin_write()
    facts = load_facts(conn, rtype, ref.id, lock=False)
    ensure_visible(uow.workflows.get(facts.workflow_name, facts.workflow_version), facts, actor)
    try:
        text = _BODY.deserialize(body.strip() if isinstance(body, str) else body)
    except ValidationError as exc:
        raise InvalidInput({"body": [french(m) for m in exc.messages]}) from exc
    now = uow.clock()
    comment = Comment(
        record_type=rtype.name, record_id=facts.id, author_id=actor.id, body=text, created_at=now
    )
    uow.session.add(comment)
    uow.session.flush()
    audit.append(
        conn,
        [
            audit.Entry(
                record_type=rtype.name,
                record_id=facts.id,
                record_reference=facts.reference,
                action="comment",
                occurred_at=now,
                actor_id=actor.id,
                actor_label=actor.label,
                comment=text,
                data={"comment_id": comment.id},
            )
        ],
    )
    uow.commit()
    return comment

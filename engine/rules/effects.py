"""Side effects a workflow file may name; each changes rows in the same transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from engine.models.pooling import pooling_member
from engine.models.scheme import Scheme
from engine.records.audit import Entry

_scheme = Scheme.__table__
_MEMBERS = (
    select(_scheme.c.id, _scheme.c.reference, _scheme.c.state, _scheme.c.version)
    .join(pooling_member, pooling_member.c.scheme_id == _scheme.c.id)
    .where(pooling_member.c.pooling_id == bindparam("pooling_id"))
    .order_by(_scheme.c.id)
    .with_for_update(of=_scheme)
)
_LINK = (
    update(_scheme)
    .where(_scheme.c.id == bindparam("scheme_id"))
    .values(
        pooling_id=bindparam("pooling_id"),
        version=_scheme.c.version + 1,
        updated_at=bindparam("now"),
        updated_by_id=bindparam("actor_id"),
    )
)


@dataclass(frozen=True)
class EffectContext:
    conn: Connection
    record_id: int
    record_reference: str
    actor_id: int | None
    actor_label: str
    now: datetime


def link_members(ctx: EffectContext) -> list[Entry]:
    """Link every member scheme to the approved pooling, with an audit event on each."""
    members = ctx.conn.execute(_MEMBERS, {"pooling_id": ctx.record_id}).all()
    ctx.conn.execute(
        _LINK,
        [
            {
                "scheme_id": m.id,
                "pooling_id": ctx.record_id,
                "now": ctx.now,
                "actor_id": ctx.actor_id,
            }
            for m in members
        ],
    )
    return [
        Entry(
            record_type="scheme",
            record_id=m.id,
            record_reference=m.reference,
            action="link_pooling",
            occurred_at=ctx.now,
            actor_id=ctx.actor_id,
            actor_label=ctx.actor_label,
            changes={"pooling": {"before": None, "after": ctx.record_reference}},
            data={"pooling_id": ctx.record_id, "pooling_reference": ctx.record_reference},
        )
        for m in members
    ]


EFFECTS: dict[str, Callable[[EffectContext], list[Entry]]] = {"link_members": link_members}

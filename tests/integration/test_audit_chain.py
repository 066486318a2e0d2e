"""The audit chain on a real history: what verify detects, what needs a checkpoint, replay."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.records import audit
from engine.records.registry import RECORD_TYPES
from engine.rules.workflow import default_registry
from engine.services.comments import add_comment
from tests.factories import World

EVENTS = AuditEvent.__table__


@pytest.fixture
def history(world) -> World:
    """Schemes along most paths of their workflow, a comment, and an approved pooling; the
    COPIL's decisions taken by meetings."""
    world.scheme("approved", title="Approuvé")
    completed = world.scheme("changes_requested", title="Complété")
    world.fire(completed, "submit", "owner")
    world.fire(completed, "review", "cotech2")
    with UnitOfWork(world.db) as uow:
        add_comment(uow, completed, world.actors["cotech"], "Budget vérifié avec le porteur.")
    rejected = world.scheme("rejected", title="Rouvert après rejet")
    world.fire(rejected, "reopen", "admin", {"comment": "Rejeté par erreur."})
    world.fire(rejected, "submit", "owner")
    withdrawn = world.scheme("withdrawn", title="Rouvert après retrait")
    world.fire(withdrawn, "reopen", "admin", {"comment": "Retiré par erreur."})
    sent_back = world.scheme("proposed", title="Renvoyé au COTECH")
    world.decide(sent_back, "send_back", comment="Précisez les publics.")
    world.pooling("approved")
    return world


def _rows(conn: Connection) -> list:
    return conn.execute(select(EVENTS).order_by(EVENTS.c.position)).all()


def _position(conn: Connection, action: str) -> int:
    """The position of the first event of an action."""
    first = select(func.min(EVENTS.c.position)).where(EVENTS.c.action == action)
    return conn.execute(first).scalar_one()


def _verify(db: Database, expected: audit.Checkpoint | None = None) -> audit.Verification:
    with db.engine.connect() as conn:
        return audit.verify(conn, expected)


@contextmanager
def _tampering(db: Database) -> Iterator[Connection]:
    """A transaction of someone with direct write access to the database, triggers included."""
    with db.engine.begin() as conn:
        if db.is_postgresql:
            # A superuser can switch the append-only triggers off: the chain must still tell.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield conn


def test_a_real_history_verifies(db, history):
    with db.engine.connect() as conn:
        count = len(_rows(conn))
        assert [r.position for r in _rows(conn)] == list(range(1, count + 1))
    result = _verify(db)
    assert (result.ok, result.count, result.position) == (True, count, None)


@pytest.mark.parametrize(
    ("action", "column", "forged"),
    [
        ("comment", "comment", "Budget refusé."),
        ("approve", "actor_label", "copil2@example.mq"),
        ("record_decision", "data", {"decision": "COPIL-2026-01/D09"}),
        ("review", "to_state", "approved"),
    ],
)
def test_an_altered_event_is_named(db, history, action, column, forged):
    with _tampering(db) as conn:
        position = _position(conn, action)
        conn.execute(EVENTS.update().where(EVENTS.c.position == position).values({column: forged}))

    result = _verify(db)
    assert (result.ok, result.position) == (False, position)
    assert result.message == (
        f"L'événement n°{position} a été modifié : son empreinte ne correspond plus."
    )


def test_a_deleted_event_is_named(db, history):
    with _tampering(db) as conn:
        position = len(_rows(conn)) // 2
        conn.execute(EVENTS.delete().where(EVENTS.c.position == position))

    result = _verify(db)
    # The message names the missing event; the position is the first event still there after it.
    assert (result.ok, result.position) == (False, position + 1)
    assert result.message == (
        f"Événement(s) supprimé(s) : le n°{position} manque (le suivant est le n°{position + 1})."
    )


@pytest.mark.parametrize("where", ["middle", "first"])
def test_an_inserted_event_is_named(db, history, where):
    # The forger shifts the tail to make room and hashes the forged event properly, chained
    # to its predecessor; only the tail's hashes, which cover their old positions, give it away.
    with _tampering(db) as conn:
        rows = _rows(conn)
        model = rows[len(rows) // 2 - 1]
        position = model.position + 1 if where == "middle" else 1
        prev_hash = model.hash if where == "middle" else audit.GENESIS
        conn.execute(
            EVENTS.update().where(EVENTS.c.position >= position).values(position=-EVENTS.c.position)
        )
        conn.execute(
            EVENTS.update().where(EVENTS.c.position < 0).values(position=1 - EVENTS.c.position)
        )
        forged = {key: getattr(model, key) for key in audit.HASHED}
        forged.update(action="comment", from_state=None, to_state=None, inputs=None, changes=None)
        forged.update(data=None, comment="Accord donné par téléphone.")
        digest = audit.event_hash(forged, position, prev_hash)
        conn.execute(
            insert(EVENTS).values(**forged, position=position, prev_hash=prev_hash, hash=digest)
        )
        assert len(_rows(conn)) == len(rows) + 1

    result = _verify(db)
    assert (result.ok, result.position) == (False, position)
    assert result.message == f"L'événement n°{position} a été inséré dans la chaîne."


def test_a_truncated_tail_needs_a_checkpoint_to_be_seen(db, history):
    with db.engine.connect() as conn:
        taken = audit.checkpoint(conn)
    with _tampering(db) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.position > taken.position - 3))

    # What is left is a valid chain: the hash chain alone cannot know that events are missing.
    alone = _verify(db)
    assert (alone.ok, alone.count) == (True, taken.position - 3)
    checked = _verify(db, taken)
    assert (checked.ok, checked.position) == (False, taken.position - 2)
    assert "tronqué" in checked.message
    assert f"n°{taken.position}" in checked.message


def test_a_checkpoint_attests_a_prefix_of_the_chain(db, history):
    with db.engine.connect() as conn:
        taken = audit.checkpoint(conn)
    with UnitOfWork(db) as uow:
        add_comment(uow, history.scheme("draft"), history.actors["owner"], "Un de plus.")

    assert audit.Checkpoint.parse(f"2026-11-25T12:00:00Z {taken}") == taken
    result = _verify(db, taken)
    assert (result.ok, result.count) == (True, taken.position + 3)  # create, edit, comment


def test_a_checkpoint_that_does_not_match_its_event_fails(db, history):
    with db.engine.connect() as conn:
        taken = audit.checkpoint(conn)
        first = _rows(conn)[0]
    wrong = audit.Checkpoint(taken.position, first.hash)

    result = _verify(db, wrong)
    assert (result.ok, result.position) == (False, taken.position)
    assert "ne correspond pas au point de contrôle" in result.message


def test_replaying_each_record_s_events_gives_its_current_state(db, history):
    registry = default_registry()
    replayed = 0
    with db.engine.connect() as conn:
        for kind, rtype in RECORD_TYPES.items():
            table = rtype.table
            for record in conn.execute(select(table)):
                events = conn.execute(
                    select(EVENTS)
                    .where(EVENTS.c.record_type == kind, EVENTS.c.record_id == record.id)
                    .order_by(EVENTS.c.position)
                ).all()
                initial = registry.get(record.workflow_name, record.workflow_version).initial
                assert audit.replay(initial, events) == (record.state, None), record.reference
                replayed += 1
        actions = set(conn.execute(select(EVENTS.c.action).distinct()).scalars())
    # Eight schemes and poolings, and the three COPIL meetings that decided them.
    assert replayed == 8 + 3
    assert {"reopen", "send_back", "request_changes", "approve", "link_pooling"} <= actions
    assert {"record_decision", "close"} <= actions


def test_replay_names_the_event_that_does_not_follow(db, history):
    with db.engine.connect() as conn:
        review = _position(conn, "review")
        of_review = select(EVENTS.c.record_id).where(EVENTS.c.position == review)
        events = conn.execute(
            select(EVENTS)
            .where(
                EVENTS.c.record_type == "scheme", EVENTS.c.record_id == of_review.scalar_subquery()
            )
            .order_by(EVENTS.c.position)
        ).all()
    without_review = [e for e in events if e.position != review]
    state, problem = audit.replay("draft", without_review)
    assert (state, problem) == (
        "recorded",
        f"événement n°{review + 1} part de reviewed, pas de recorded",
    )


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("UPDATE audit_event SET comment = 'Budget refusé.' WHERE position = 2", "UPDATE"),
        ("DELETE FROM audit_event WHERE position = 2", "DELETE"),
        ("TRUNCATE audit_event", "TRUNCATE"),
    ],
)
def test_postgresql_refuses_to_change_the_audit_log(db, history, statement, operation):
    refused = f"audit_event is append-only: {operation} refused"
    with pytest.raises(DBAPIError, match=refused), db.engine.begin() as conn:
        conn.execute(text(statement))
    assert _verify(db).ok

"""What writes notifications outside a request's own transaction, run by each worker pass
before sending: each producer reads committed facts (the audit log past its cursor, deadlines,
digests due) and writes its messages in one transaction, idempotent by key."""

from collections.abc import Callable
from datetime import datetime

from engine.candidates.store import produce_candidates
from engine.db.database import Database
from engine.notifications.digests import produce_digests
from engine.notifications.dispatch import dispatch
from engine.notifications.reminders import produce_reminders
from engine.objectives.services import produce_snapshots

Producer = Callable[[Database, Callable[[], datetime]], int]

# dispatch first: the audit log's events become messages before anything is sent; digests
# last, so that they carry what dispatch and the reminders held in the same pass. The
# objectives' daily snapshots write history only (engine/objectives/services.py); the pooling
# candidates follow the same log with their own cursor and write no message either.
PRODUCERS: tuple[Producer, ...] = (
    dispatch,
    produce_reminders,
    produce_digests,
    produce_snapshots,
    produce_candidates,
)

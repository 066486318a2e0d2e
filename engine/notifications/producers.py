"""What writes notifications outside a request's own transaction, run by each worker pass
before sending: each producer reads committed facts (the audit log past its cursor, deadlines,
digests due) and writes its messages in one transaction, idempotent by key."""

from collections.abc import Callable
from datetime import datetime

from engine.db.database import Database
from engine.notifications.dispatch import dispatch

Producer = Callable[[Database, Callable[[], datetime]], int]

# dispatch first: the audit log's events become messages before anything is sent.
PRODUCERS: tuple[Producer, ...] = (dispatch,)

"""The worker's loop: run the producers, then send every due message, then wait."""

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import OperationalError

from engine.clock import system_clock
from engine.db.database import Database
from engine.notifications.producers import PRODUCERS, Producer
from engine.notifications.sender import Tally, send_due
from engine.notifications.settings import MailSettings

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """One worker process's work; several may run on PostgreSQL, one on SQLite."""

    db: Database
    settings: MailSettings
    clock: Callable[[], datetime] = system_clock
    batch: int = 100
    producers: Sequence[Producer] = field(default_factory=lambda: PRODUCERS)

    def run_once(self) -> Tally:
        """Run every producer once, then send until nothing is due."""
        for produce in self.producers:
            produce(self.db, self.clock)
        tally = Tally()
        while True:
            step = send_due(self.db, self.settings, self.clock, batch=self.batch)
            tally += step
            if step.claimed < self.batch:
                return tally

    def run(self, stop: threading.Event, interval: float = 5.0) -> None:
        """Pass after pass until `stop` is set; a database that does not answer is waited for."""
        while not stop.is_set():
            try:
                tally = self.run_once()
            except OperationalError as exc:
                log.warning("database unavailable, waiting: %s", exc)
            else:
                if tally.claimed:
                    log.info("sent %d, retried %d, dead %d", tally.sent, tally.retried, tally.dead)
            stop.wait(interval)

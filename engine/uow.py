"""The unit of work: one session, one transaction, rolled back unless committed."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.clock import utcnow
from engine.database import WRITE_OPTION, Database
from engine.errors import Conflict
from engine.workflow import WorkflowRegistry, default_registry


class UnitOfWork:
    """Use as ``with UnitOfWork(db) as uow: …; uow.commit()``; anything else rolls back."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        workflows: WorkflowRegistry | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.workflows = workflows or default_registry()
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = self.database.session()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, StaleDataError):
            raise Conflict(current_version=None) from exc

    def begin_write(self) -> Connection:
        """Start the transaction holding the write lock (SQLite) and return its connection."""
        if self.session.in_transaction():
            raise RuntimeError("begin_write() must open the unit of work's transaction")
        return self.session.connection(execution_options={WRITE_OPTION: True})

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise Conflict(current_version=None) from exc

    def rollback(self) -> None:
        self.session.rollback()

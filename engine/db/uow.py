"""The unit of work: one connection, one transaction, rolled back unless committed."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, RootTransaction
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.clock import system_clock
from engine.db.database import WRITE_FLAG, Database
from engine.errors import Conflict
from engine.rules.workflow import WorkflowRegistry, default_registry


class UnitOfWork:
    """Use as ``with UnitOfWork(db) as uow: …; uow.commit()``; anything else rolls back.

    The unit of work owns one connection and its transaction. The ORM session is created only
    when a service asks for it, bound to that same connection: the transition hot path runs
    prebuilt Core statements and never pays for a session.
    """

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = system_clock,
        workflows: WorkflowRegistry | None = None,
        autocommit_reads: bool = False,
    ) -> None:
        self.database = database
        self.clock = clock
        self.workflows = workflows or default_registry()
        # PostgreSQL reads committed data statement by statement either way (READ COMMITTED):
        # a unit of work that only reads may skip BEGIN and ROLLBACK, two round trips.
        self._autocommit = autocommit_reads and database.is_postgresql
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._session: Session | None = None
        self._writing = False

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if isinstance(exc, StaleDataError):
            raise Conflict(current_version=None) from exc

    def close(self) -> None:
        """Roll back whatever was not committed and give the connection back to the pool."""
        try:
            if self._session is not None:
                self._session.close()
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()
            self._connection = self._transaction = self._session = None

    def begin_write(self) -> Connection:
        """Start the transaction holding the write lock (SQLite) and return its connection."""
        if self._connection is not None:
            raise RuntimeError("begin_write() must open the unit of work's transaction")
        return self._open(write=True)

    def ensure_write(self) -> Connection:
        """The write transaction, begun unless it already is: for a service that makes several
        changes through other services' steps (a meeting's close). A read begun first still
        refuses to turn into a write."""
        if self._writing and self._transaction is not None and self._transaction.is_active:
            return self._connection
        return self.begin_write()

    def _open(self, *, write: bool) -> Connection:
        self._connection = self.database.engine.connect()
        self._writing = write
        if self._autocommit:
            if write:
                raise RuntimeError("a unit of work opened for reads cannot write")
            self._connection = self._connection.execution_options(isolation_level="AUTOCOMMIT")
        if write and self.database.is_sqlite:
            # Read by the SQLite "begin" hook, once: this transaction starts with BEGIN IMMEDIATE.
            self._connection.info[WRITE_FLAG] = True
        self._transaction = self._connection.begin()
        return self._connection

    @property
    def connection(self) -> Connection:
        """The unit of work's connection, in a transaction (a read one if none was begun)."""
        if self._connection is None:
            return self._open(write=False)
        if not self._connection.in_transaction():
            self._transaction = self._connection.begin()
        return self._connection

    @property
    def session(self) -> Session:
        """The ORM session, bound to this unit of work's connection and transaction."""
        if self._session is None:
            self._session = self.database.session_factory(
                bind=self.connection, join_transaction_mode="control_fully"
            )
        return self._session

    def forget(self, model: type, ident: int) -> None:
        """Expire the session's copy of a row changed through Core, if the session holds one."""
        if self._session is None:
            return
        obj = self._session.identity_map.get(self._session.identity_key(model, ident))
        if obj is not None:
            self._session.expire(obj)

    def commit(self) -> None:
        """Flush the session, if any, and commit the transaction once."""
        try:
            if self._session is not None:
                self._session.commit()
            elif self._transaction is not None:
                self._transaction.commit()
        except StaleDataError as exc:
            self.rollback()
            raise Conflict(current_version=None) from exc
        except BaseException:
            # A failed commit may leave the driver's transaction open with its locks (SQLite keeps
            # it when COMMIT is refused) while SQLAlchemy marks it done and skips the pool's
            # reset: discard the connection rather than pool it mid-transaction.
            if self._connection is not None:
                self._connection.invalidate()
            raise

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        elif self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()

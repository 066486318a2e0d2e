"""Engine and session factory for SQLite (embedded) and PostgreSQL (production)."""

import sqlite3

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import DatabaseNotReady

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Flag a write unit of work sets on its connection before its transaction begins.
WRITE_FLAG = "maillage_begin_immediate"


class Database:
    """One engine and one session factory per process; built by the caller, never at import."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            self.url = make_url(url)
            self.engine = self._create_engine(echo)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            # The exception's own text may repeat the URL, password included: never show it.
            reason = {
                ArgumentError: "format illisible",
                NoSuchModuleError: "pilote inconnu",
            }.get(type(exc), "seuls SQLite et PostgreSQL sont pris en charge")
            message = f"Adresse de base de données invalide : {_safe(url)} ({reason})."
            raise DatabaseNotReady(message) from None
        self.session_factory = sessionmaker(self.engine, autoflush=False, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def session(self) -> Session:
        return self.session_factory()

    def dispose(self) -> None:
        self.engine.dispose()

    def _create_engine(self, echo: bool) -> Engine:
        if self.url.get_backend_name() == "sqlite":
            engine = create_engine(self.url, echo=echo, connect_args={"timeout": 30})
            _configure_sqlite(engine)
            return engine
        if self.url.get_backend_name() == "postgresql":
            return create_engine(
                self.url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 5}
            )
        raise ValueError("seuls SQLite et PostgreSQL sont pris en charge")

    def check_ready(self, head: str | None = None) -> None:
        """Raise DatabaseNotReady unless the database answers and is migrated (to head if given)."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    raise DatabaseNotReady(
                        "La base de données n'est pas initialisée : lancez « maillage init »."
                    )
                current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseNotReady(
                f"Impossible de joindre la base de données {self.url.render_as_string()} : {reason}"
            ) from exc
        if head is not None and current != head:
            raise DatabaseNotReady(
                f"La base de données n'est pas à jour (révision {current}, attendue {head}) : "
                "lancez « maillage init »."
            )


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout, and transactions begun by us (BEGIN or BEGIN IMMEDIATE)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling is bypassed so that we can emit BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A transaction that reads then writes fails at once in WAL mode when another writer
        # committed in between (the busy handler is not called); taking the write lock first
        # avoids it.
        statement = "BEGIN IMMEDIATE" if conn.info.pop(WRITE_FLAG, False) else "BEGIN"
        # Straight to the driver: this runs once per unit of work, on the hot path.
        try:
            conn.connection.dbapi_connection.execute(statement)
        except sqlite3.OperationalError as exc:
            raise OperationalError(statement, None, exc) from exc


def _safe(url: str) -> str:
    """Describe a database URL for an error message without ever showing its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        return f"{scheme}://… (illisible)"

"""Database fixtures: a template migrated once per run, and a fresh copy of it for every test.

SQLite by default. With MAILLAGE_TEST_DATABASE_URL set (for instance
postgresql+psycopg://postgres@127.0.0.1:5432/test), every database is created on that server,
named after this run, and dropped by it.
"""

import gc
import itertools
import os
import secrets
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import engine.clock
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.notifications.settings import MailSettings
from tests.factories import Clock
from tests.mail import MailServer

SERVER_VARIABLE = "MAILLAGE_TEST_DATABASE_URL"


def _server_url() -> str | None:
    return os.environ.get(SERVER_VARIABLE) or None


@pytest.fixture(autouse=True)
def test_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The time of every test: a hand-moved clock in place of the engine's `utcnow`.

    Units of work, the web application and the command line read the time through
    `engine.clock.system_clock` unless handed a clock, so they all follow this one; a test moves
    it with `test_clock.advance(...)`. It starts at the same instant for every test (see
    `tests.factories.clock_start`), so no outcome depends on the day, the hour, the machine's
    timezone or the order tests run in.
    """
    clock = Clock()
    monkeypatch.setattr(engine.clock, "utcnow", clock)
    return clock


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _server_url() is None:
        marker, reason = "postgresql", f"needs PostgreSQL: set {SERVER_VARIABLE}"
    else:
        marker, reason = "sqlite", "SQLite only: ran in the SQLite run"
    for item in items:
        if item.get_closest_marker(marker):
            item.add_marker(pytest.mark.skip(reason=reason))


class SqliteFiles:
    """Databases of one run as files in a temporary directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.numbers = itertools.count(1)

    def create(self, template: str | None = None) -> str:
        path = self.directory / f"test_{next(self.numbers)}.sqlite"
        if template is not None:
            # The template was closed cleanly, so its WAL is checkpointed: the file is complete.
            shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresServer:
    """Databases of one run on a PostgreSQL server, created and dropped by this run only."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"maillage_t_{os.getpid()}_{secrets.token_hex(4)}"
        self.numbers = itertools.count(1)
        self.created: set[str] = set()

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{next(self.numbers)}"
        # template0 is the pristine empty database; FILE_COPY copies a small template fastest.
        source = make_url(template).database if template else "template0"
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
        self.created.add(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._drop(make_url(url).database)

    def close(self) -> None:
        for name in sorted(self.created):
            self._drop(name)
        self.admin.dispose()

    def _drop(self, name: str) -> None:
        # FORCE ends any session a failed test left open.
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.discard(name)

    def _run(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(statement)


Server = SqliteFiles | PostgresServer


@pytest.fixture(scope="session")
def backend() -> str:
    """The database backend of this run: "sqlite" or "postgresql"."""
    return "sqlite" if _server_url() is None else "postgresql"


@pytest.fixture(scope="session")
def database_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Creates and drops this run's databases; drops whatever is left at the end of the run."""
    server_url = _server_url()
    if server_url is None:
        server = SqliteFiles(tmp_path_factory.mktemp("databases"))
    else:
        server = PostgresServer(server_url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def database_url(database_server: Server) -> str:
    """URL of this run's template database, at head: tests get copies, never a connection."""
    url = database_server.create()
    template = Database(url)
    try:
        upgrade(template)
    finally:
        # Nothing may stay connected to a template that is copied.
        template.dispose()
    return url


@pytest.fixture
def db(database_server: Server, database_url: str) -> Iterator[Database]:
    """A fresh database at head for one test, with real commits; dropped afterwards."""
    yield from _disposable(database_server, database_server.create(template=database_url))


@pytest.fixture
def empty_db(database_server: Server) -> Iterator[Database]:
    """A fresh database without any table, for tests of the migrations themselves."""
    yield from _disposable(database_server, database_server.create())


def _disposable(server: Server, url: str) -> Iterator[Database]:
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        if not url.startswith("sqlite"):
            # Connections a test dropped inside reference cycles are rolled back when the
            # collector finds them: let that happen now, while their database exists. Found
            # later, each failed rollback logs a traceback, and CPython 3.11 formats tracebacks
            # with `ast.parse` — from inside whatever `ast.parse` the collector interrupted,
            # which then fails with "AST constructor recursion depth mismatch" (gh-106905).
            # The driver's own "deleted while still open" warnings say nothing new here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                gc.collect()
        server.drop(url)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on loopback for this test; its `messages` are what it received."""
    server = MailServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(mail_server: MailServer) -> MailSettings:
    """Mail settings pointing at the test's SMTP server."""
    return MailSettings.from_url(mail_server.url, base_url="https://maillage.example")

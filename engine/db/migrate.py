"""Bring a database's schema to a revision with Alembic, without the web application."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

import migrations
from engine.db.database import Database
from engine.errors import DatabaseNotReady

SCRIPT_LOCATION = Path(migrations.__file__).parent


def alembic_config(connection_or_url: Connection | str | None = None) -> Config:
    """Build the Alembic configuration of the migrations package, bound to a connection or URL."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if isinstance(connection_or_url, Connection):
        config.attributes["connection"] = connection_or_url
    elif connection_or_url is not None:
        # Options go through configparser interpolation: a literal % (in a password) is doubled.
        config.set_main_option("sqlalchemy.url", connection_or_url.replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Migrate the database up to a revision, the latest by default, in one transaction."""
    with migration_connection(database) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(database: Database, revision: str = "base") -> None:
    """Migrate the database down to a revision, an empty schema by default, in one transaction."""
    with migration_connection(database) as connection:
        command.downgrade(alembic_config(connection), revision)


def head_revision() -> str:
    """Return the revision the migrations lead to."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration found in {SCRIPT_LOCATION}")
    return head


def current_revision(database: Database) -> str | None:
    """Return the revision the database is at, or None if it was never migrated."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def migration_connection(database: Database) -> Iterator[Connection]:
    """Yield a connection whose transaction commits if the block succeeds, else rolls back."""
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            yield connection
        return
    # A batch migration rebuilds a SQLite table: copy, DROP, rename. With foreign keys enforced,
    # the DROP deletes the rows of every table referencing it ON DELETE CASCADE. The pragma is
    # ignored inside a transaction, hence set on the driver connection before ours begins.
    with database.engine.connect() as connection:
        driver_connection = connection.connection.driver_connection
        driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                _check_foreign_keys(connection)
        finally:
            driver_connection.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise DatabaseNotReady(
            f"La migration laisse {len(broken)} référence(s) cassée(s), par exemple "
            f"{table} (ligne {rowid}) vers {parent} : elle est annulée."
        )

"""Alembic environment: migrate the connection handed in, else the database the URL names."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

import engine.models  # noqa: F401  (registers every table on the metadata)
from engine.db.base import Base
from engine.db.database import Database
from engine.db.migrate import migration_connection

URL_VARIABLE = "MAILLAGE_DATABASE_URL"

config = context.config
# Only the alembic command line has an ini file; engine.db.migrate leaves the app's logging alone.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(f"no database to migrate: set sqlalchemy.url or {URL_VARIABLE}")
    return url


def configure(dialect_name: str, **options) -> None:
    context.configure(
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite alters most things by rebuilding the table; batch mode does it for us.
        render_as_batch=dialect_name == "sqlite",
        **options,
    )


def run_offline() -> None:
    url = database_url()
    configure(
        make_url(url).get_backend_name(),
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    # The caller owns the transaction: begin_transaction() below does not commit it.
    configure(connection.dialect.name, connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    database = Database(database_url())
    try:
        with migration_connection(database) as connection:
            run_on(connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

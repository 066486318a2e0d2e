"""The migrations build exactly the schema the models declare, undo it, and guard the audit log."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import DBAPIError

import engine.models  # noqa: F401  (registers every table on the metadata)
from engine.db.base import Base
from engine.db.database import Database
from engine.db.migrate import (
    current_revision,
    downgrade,
    head_revision,
    migration_connection,
    upgrade,
)

TRIGGERS_AND_FUNCTIONS = """
SELECT tgname FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
"""


# Search structures only a migration can declare: SQLite's FTS5 table (and its shadow tables),
# PostgreSQL's pg_trgm index. The models cannot say them; autogenerate must not compare them.
SEARCH_TABLES = {
    "scheme_fts",
    "scheme_fts_config",
    "scheme_fts_data",
    "scheme_fts_docsize",
    "scheme_fts_idx",
}
SEARCH_INDEXES = {"ix_scheme_search_trgm"}


def declarable(obj, name, type_, reflected, compare_to) -> bool:
    """Tell autogenerate to compare everything but the backend-specific search structures."""
    if type_ == "table":
        return name not in SEARCH_TABLES
    return not (type_ == "index" and name in SEARCH_INDEXES)


def leftovers(database: Database) -> set[str]:
    """Tables, and on PostgreSQL sequences, triggers and functions, found in the database."""
    with database.engine.connect() as connection:
        found = set(inspect(connection).get_table_names())
        if database.is_postgresql:
            found |= set(inspect(connection).get_sequence_names())
            found |= set(connection.execute(text(TRIGGERS_AND_FUNCTIONS)).scalars())
    return found


def test_upgrade_migrates_an_empty_database_to_head(empty_db):
    upgrade(empty_db)

    assert current_revision(empty_db) == head_revision()
    empty_db.check_ready(head_revision())
    with empty_db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    expected = set(Base.metadata.tables) | {"alembic_version"}
    if not empty_db.is_postgresql:
        expected |= SEARCH_TABLES
    assert tables == expected


def test_models_and_migrations_do_not_drift(empty_db):
    upgrade(empty_db)

    with empty_db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": declarable}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_check_constraints_match_the_models(empty_db):
    # Autogenerate does not compare CHECK constraints. SQLite keeps their text as written, so
    # compare it there; PostgreSQL rewrites it, so compare names only.
    upgrade(empty_db)

    with empty_db.engine.connect() as connection:
        inspector = inspect(connection)
        for table in Base.metadata.sorted_tables:
            declared = {
                ck.name: str(ck.sqltext)
                for ck in table.constraints
                if isinstance(ck, CheckConstraint)
            }
            reflected = {
                ck["name"]: ck["sqltext"] for ck in inspector.get_check_constraints(table.name)
            }
            if empty_db.is_postgresql:
                declared, reflected = set(declared), set(reflected)
            assert reflected == declared, table.name


def test_downgrade_removes_everything_and_upgrade_rebuilds(empty_db):
    upgrade(empty_db)
    schema = leftovers(empty_db)

    downgrade(empty_db)
    assert current_revision(empty_db) is None
    assert leftovers(empty_db) == {"alembic_version"}

    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    assert leftovers(empty_db) == schema


@pytest.mark.sqlite
def test_sqlite_table_rebuild_keeps_rows_that_reference_it(empty_db):
    # A batch migration drops and recreates the table; with foreign keys on, the drop would
    # delete every user_role row through ON DELETE CASCADE.
    upgrade(empty_db)
    with empty_db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO app_user (id, email, name, password_hash, active, created_at) "
                "VALUES (1, 'a@example.org', 'A', 'x', 1, '2026-01-01 00:00:00')"
            )
        )
        connection.execute(text("INSERT INTO user_role (user_id, role) VALUES (1, 'admin')"))

    with migration_connection(empty_db) as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("app_user", recreate="always"):
            pass

    with empty_db.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id, role FROM user_role")).all() == [
            (1, "admin")
        ]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET comment = 'rewritten'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "TRUNCATE app_user CASCADE",
    ],
)
def test_postgresql_refuses_to_change_audit_events(empty_db, statement):
    upgrade(empty_db)
    with empty_db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (position, record_type, action, occurred_at, "
                "prev_hash, hash) VALUES (1, 'scheme', 'create', now(), :zero, :hash)"
            ),
            {"zero": "0" * 64, "hash": "a" * 64},
        )

    with (
        pytest.raises(DBAPIError, match="audit_event is append-only"),
        empty_db.engine.begin() as connection,
    ):
        connection.execute(text(statement))

    with empty_db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, position, comment FROM audit_event")).all()
    assert rows == [(1, 1, None)]

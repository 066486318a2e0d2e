"""Indexes for the inventory list, the worklist and the dashboard, and a substring text index.

The list pages walk an index in their sort order (keyset pagination), the worklist reads
records by state oldest first, the dashboard counts transitions per week.

Text search keeps the meaning it always had — every word appears somewhere in the folded
text, even inside a longer word — so the index is a trigram one on both backends:

- SQLite: an FTS5 external-content table over scheme.search_text with the trigram tokenizer
  (substring MATCH for words of three letters or more), kept in step by triggers. A later
  migration that rebuilds the scheme table (batch_alter_table on SQLite) drops its triggers:
  it must create them again (see `create_sqlite_search`).
- PostgreSQL: a GIN index with pg_trgm's operator class, which serves `LIKE '%word%'` as is.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_scheme_updated", "scheme", ["updated_at", "id"]),
    ("ix_scheme_title", "scheme", ["title", "id"]),
    ("ix_scheme_state_changed", "scheme", ["state", "state_changed_at"]),
    ("ix_audit_event_action_occurred", "audit_event", ["action", "occurred_at"]),
]

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE scheme_fts USING fts5("
    "search_text, content='scheme', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER scheme_fts_insert AFTER INSERT ON scheme BEGIN "
    "INSERT INTO scheme_fts (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER scheme_fts_delete AFTER DELETE ON scheme BEGIN "
    "INSERT INTO scheme_fts (scheme_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER scheme_fts_update AFTER UPDATE OF search_text ON scheme BEGIN "
    "INSERT INTO scheme_fts (scheme_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO scheme_fts (rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO scheme_fts (scheme_fts) VALUES ('rebuild')",
]
SQLITE_SEARCH_DROP = [
    "DROP TRIGGER IF EXISTS scheme_fts_update",
    "DROP TRIGGER IF EXISTS scheme_fts_delete",
    "DROP TRIGGER IF EXISTS scheme_fts_insert",
    "DROP TABLE IF EXISTS scheme_fts",
]
POSTGRESQL_SEARCH = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_scheme_search_trgm ON scheme USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_SEARCH_DROP = [
    "DROP INDEX IF EXISTS ix_scheme_search_trgm",
    "DROP EXTENSION IF EXISTS pg_trgm",
]


def create_sqlite_search() -> None:
    """Create (or rebuild) the FTS5 table and its triggers; SQLite only."""
    for statement in SQLITE_SEARCH:
        op.execute(statement)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":
        create_sqlite_search()
    else:
        for statement in POSTGRESQL_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    drops = SQLITE_SEARCH_DROP if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_SEARCH_DROP
    for statement in drops:
        op.execute(statement)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

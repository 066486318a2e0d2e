"""Stamps remember whom a delegate acted for: `created_for_id`, `submitted_for_id`,
`proposed_for_id` on every record that follows a workflow (scheme, pooling, meeting).

The separation of duties compares the actor with both the person stamped and the delegator
they acted for, so a delegator back from an absence does not review what their delegate
submitted for them. Existing rows keep null: what was done before is unchanged.

SQLite adds each column with its named foreign key in one ALTER TABLE (no rebuild, so the
scheme table keeps its search triggers); dropping a column with a foreign key needs a rebuild,
after which the downgrade creates the search triggers again (revision 0006).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("scheme", "pooling", "meeting")
COLUMNS = ("created_for_id", "submitted_for_id", "proposed_for_id")


def _fk(table: str, column: str) -> str:
    return f"fk_{table}_{column}_app_user"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        for column in COLUMNS:
            if sqlite:
                op.execute(
                    f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                    f"CONSTRAINT {_fk(table, column)} REFERENCES app_user (id)"
                )
            else:
                op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
                op.create_foreign_key(_fk(table, column), table, "app_user", [column], ["id"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    search = _search_revision() if sqlite else None
    if search is not None:
        for statement in search.SQLITE_SEARCH_DROP:
            op.execute(statement)
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                if not sqlite:
                    batch.drop_constraint(_fk(table, column), type_="foreignkey")
                batch.drop_column(column)
    if search is not None:
        search.create_sqlite_search()


def _search_revision():
    """Revision 0006's module: the SQLite search table and triggers a rebuild drops."""
    path = Path(__file__).with_name("20261126_0006_inventory_search.py")
    spec = importlib.util.spec_from_file_location("revision_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

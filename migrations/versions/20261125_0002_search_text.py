"""Folded search text on schemes and organisations, for accent- and case-insensitive search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.french.text import searchable

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheme") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column("search_text", sa.String(length=200), server_default="", nullable=False)
        )
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    scheme = sa.table(
        "scheme",
        sa.column("id"),
        sa.column("title"),
        sa.column("summary"),
        sa.column("description"),
        sa.column("search_text"),
    )
    organisation = sa.table(
        "organisation", sa.column("id"), sa.column("name"), sa.column("search_text")
    )
    for row in conn.execute(
        sa.select(scheme.c.id, scheme.c.title, scheme.c.summary, scheme.c.description)
    ).all():
        conn.execute(
            scheme.update()
            .where(scheme.c.id == row.id)
            .values(search_text=searchable(row.title, row.summary, row.description))
        )
    for row in conn.execute(sa.select(organisation.c.id, organisation.c.name)).all():
        conn.execute(
            organisation.update()
            .where(organisation.c.id == row.id)
            .values(search_text=searchable(row.name))
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("search_text")
    with op.batch_alter_table("scheme") as batch:
        batch.drop_column("search_text")

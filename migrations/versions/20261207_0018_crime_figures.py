"""The delinquency diagnostic: the SSMSI's recorded-crime figures for Martinique, and the
COTECH's notes on them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crime_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("territory_code", sa.String(length=5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=12, scale=7), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("population_year", sa.Integer(), nullable=True),
        sa.Column("dwellings", sa.Integer(), nullable=True),
        sa.Column("dwellings_year", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_figure")),
        sa.UniqueConstraint("year", "territory_code", "indicator", "unit", name="uq_crime_figure"),
    )
    op.create_index("ix_crime_figure_indicator_year", "crime_figure", ["indicator", "year"])
    op.create_table(
        "diagnostic_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_code", sa.String(length=5), nullable=False),
        sa.Column("indicator", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_diagnostic_note_author_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnostic_note")),
    )
    op.create_index("ix_diagnostic_note_indicator_year", "diagnostic_note", ["indicator", "year"])


def downgrade() -> None:
    op.drop_table("diagnostic_note")
    op.drop_table("crime_figure")

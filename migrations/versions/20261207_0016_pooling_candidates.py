"""Pooling candidates (pistes de mutualisation): the scored pairs and groups of schemes, their
members, and the COTECH's dismissals. The candidates' producer keeps its own cursor in
`outbox_cursor` (named "candidates"), written when it first runs.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pooling_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("computed_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("size >= 2", name=op.f("ck_pooling_candidate_size")),
        sa.CheckConstraint(
            "score >= 0 AND score <= 1", name=op.f("ck_pooling_candidate_score_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pooling_candidate")),
        sa.UniqueConstraint("key", name=op.f("uq_pooling_candidate_key")),
    )
    op.create_index("ix_pooling_candidate_score", "pooling_candidate", ["score", "id"])
    op.create_table(
        "pooling_candidate_member",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["pooling_candidate.id"],
            name=op.f("fk_pooling_candidate_member_candidate_id_pooling_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["scheme.id"],
            name=op.f("fk_pooling_candidate_member_scheme_id_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "candidate_id", "scheme_id", name=op.f("pk_pooling_candidate_member")
        ),
    )
    op.create_index(
        op.f("ix_pooling_candidate_member_scheme_id"), "pooling_candidate_member", ["scheme_id"]
    )
    op.create_table(
        "pooling_candidate_dismissal",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("dismissed_at", UTC_DATETIME, nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["app_user.id"],
            name=op.f("fk_pooling_candidate_dismissal_dismissed_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pooling_candidate_dismissal")),
    )


def downgrade() -> None:
    op.drop_table("pooling_candidate_dismissal")
    op.drop_table("pooling_candidate_member")
    op.drop_table("pooling_candidate")

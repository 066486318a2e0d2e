"""Opinions (avis) asked of a service on a record, and the committees' private notes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "committee_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "record_type IN ('scheme', 'pooling')", name=op.f("ck_committee_note_record_type")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_committee_note_author_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_note")),
    )
    with op.batch_alter_table("committee_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_committee_note_record", ["record_type", "record_id"], unique=False
        )

    op.create_table(
        "opinion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("expert_organisation_id", sa.Integer(), nullable=False),
        sa.Column("expert_user_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("workflow_name", sa.String(length=40), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTC_DATETIME, nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", UTC_DATETIME, nullable=True),
        sa.Column("withdrawal_comment", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "record_type IN ('scheme', 'pooling')", name=op.f("ck_opinion_record_type")
        ),
        sa.CheckConstraint(
            "verdict IS NULL OR verdict IN ('favourable', 'reserved', 'unfavourable')",
            name=op.f("ck_opinion_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["app_user.id"], name=op.f("fk_opinion_answered_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["expert_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_opinion_expert_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["expert_user_id"], ["app_user.id"], name=op.f("fk_opinion_expert_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["app_user.id"], name=op.f("fk_opinion_requested_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["app_user.id"], name=op.f("fk_opinion_withdrawn_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion")),
    )
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opinion_expert_state", ["expert_organisation_id", "state", "due_on"], unique=False
        )
        batch_op.create_index("ix_opinion_record", ["record_type", "record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_record")
        batch_op.drop_index("ix_opinion_expert_state")

    op.drop_table("opinion")
    with op.batch_alter_table("committee_note", schema=None) as batch_op:
        batch_op.drop_index("ix_committee_note_record")

    op.drop_table("committee_note")

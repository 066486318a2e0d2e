"""Delegations: a user lends some of their roles to another for a period.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegator_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "delegate_id <> delegator_id", name=op.f("ck_delegation_not_to_oneself")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_delegation_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["delegator_id"], ["app_user.id"], name=op.f("fk_delegation_delegator_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["app_user.id"], name=op.f("fk_delegation_delegate_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_delegation_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["app_user.id"], name=op.f("fk_delegation_revoked_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    op.create_index(op.f("ix_delegation_delegator_id"), "delegation", ["delegator_id"])
    op.create_index("ix_delegation_delegate_id_ends_at", "delegation", ["delegate_id", "ends_at"])
    op.create_table(
        "delegation_role",
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'cotech', 'copil')", name=op.f("ck_delegation_role_role")
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_delegation_role_delegation_id_delegation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delegation_id", "role", name=op.f("pk_delegation_role")),
    )


def downgrade() -> None:
    op.drop_table("delegation_role")
    op.drop_index("ix_delegation_delegate_id_ends_at", table_name="delegation")
    op.drop_index(op.f("ix_delegation_delegator_id"), table_name="delegation")
    op.drop_table("delegation")

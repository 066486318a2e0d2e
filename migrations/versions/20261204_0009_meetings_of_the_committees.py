"""Meetings of the committees: convened members, agenda items, recusals; the secretary role.

A meeting is a workflow record (workflows/meeting.yaml). The user_role check gains `secretary`
(SQLite rebuilds the table through batch mode; PostgreSQL replaces the constraint).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:32:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
ROLES_BEFORE = "role IN ('owner', 'cotech', 'copil', 'admin')"
ROLES_AFTER = "role IN ('owner', 'cotech', 'copil', 'secretary', 'admin')"


def _roles(check: str) -> None:
    with op.batch_alter_table("user_role") as batch:
        batch.drop_constraint(op.f("ck_user_role_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_role_role"), check)


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=180), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("quorum_rule", sa.String(length=30), nullable=False),
        sa.Column("decisions_issued", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_sha256", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("workflow_name", sa.String(length=40), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("state_changed_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("committee IN ('copil', 'cotech')", name=op.f("ck_meeting_committee")),
        sa.CheckConstraint(
            "decisions_issued >= 0", name=op.f("ck_meeting_decisions_issued_positive")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_meeting_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["app_user.id"], name=op.f("fk_meeting_proposed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["app_user.id"], name=op.f("fk_meeting_secretary_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["app_user.id"], name=op.f("fk_meeting_submitted_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["app_user.id"], name=op.f("fk_meeting_updated_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("reference", name=op.f("uq_meeting_reference")),
    )
    op.create_table(
        "meeting_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("added_late", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstention", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.String(length=40), nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind = 'decision' OR record_id IS NULL OR outcome IS NULL",
            name=op.f("ck_meeting_item_informed_only"),
        ),
        sa.CheckConstraint(
            "kind IN ('decision', 'information')", name=op.f("ck_meeting_item_kind")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('approve', 'send_back', 'reject')",
            name=op.f("ck_meeting_item_outcome"),
        ),
        sa.CheckConstraint(
            "(record_type IS NULL) = (record_id IS NULL) AND (record_id IS NULL) = (record_version IS NULL)",
            name=op.f("ck_meeting_item_record"),
        ),
        sa.CheckConstraint(
            "(votes_for IS NULL OR votes_for >= 0) AND (votes_against IS NULL OR votes_against >= 0) AND (votes_abstention IS NULL OR votes_abstention >= 0)",
            name=op.f("ck_meeting_item_votes_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["app_user.id"], name=op.f("fk_meeting_item_decided_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_item_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_item")),
        sa.UniqueConstraint("decision_number", name="uq_meeting_item_decision_number"),
    )
    with op.batch_alter_table("meeting_item", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_item_record", ["record_type", "record_id"], unique=False)

    op.create_table(
        "meeting_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=20), nullable=True),
        sa.Column("proxy_holder_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(attendance = 'represented') = (proxy_holder_id IS NOT NULL)",
            name=op.f("ck_meeting_member_proxy"),
        ),
        sa.CheckConstraint(
            "attendance IS NULL OR attendance IN ('present', 'represented', 'excused', 'absent')",
            name=op.f("ck_meeting_member_attendance"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_member_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proxy_holder_id"],
            ["app_user.id"],
            name=op.f("fk_meeting_member_proxy_holder_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_meeting_member_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_member")),
        sa.UniqueConstraint("meeting_id", "proxy_holder_id", name="uq_meeting_member_proxy"),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_member"),
    )
    op.create_table(
        "meeting_recusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meeting_item.id"],
            name=op.f("fk_meeting_recusal_item_id_meeting_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_meeting_recusal_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_recusal")),
        sa.UniqueConstraint("item_id", "user_id", name="uq_meeting_recusal"),
    )
    _roles(ROLES_AFTER)


def downgrade() -> None:
    # A secretary keeps their other roles; the role itself goes with the meetings.
    op.execute("DELETE FROM user_role WHERE role = 'secretary'")
    _roles(ROLES_BEFORE)
    op.drop_table("meeting_recusal")
    op.drop_table("meeting_member")
    with op.batch_alter_table("meeting_item", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_item_record")

    op.drop_table("meeting_item")
    op.drop_table("meeting")

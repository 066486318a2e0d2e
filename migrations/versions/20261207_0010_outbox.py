"""The notifications' outbox: messages to send after commit, the audit log's read cursor, and
each user's notification frequency.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUSES = "status IN ('pending', 'held', 'sending', 'sent', 'digested', 'dead')"
FREQUENCIES = "notification_frequency IN ('immediate', 'daily', 'weekly')"


def upgrade() -> None:
    _outbox_message()
    op.create_table(
        "outbox_cursor",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_cursor")),
    )
    # What happened before notifications existed is history, not news: the audit log's reader
    # starts at its head.
    op.execute(
        "INSERT INTO outbox_cursor (name, position) "
        "SELECT 'audit', COALESCE(MAX(position), 0) FROM audit_event"
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column(
                "notification_frequency",
                sa.String(length=10),
                server_default="immediate",
                nullable=False,
            )
        )
        batch.create_check_constraint(op.f("ck_app_user_notification_frequency"), FREQUENCIES)


def _outbox_message() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column(
            "context", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("recipient_email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("event_position", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("lease_until", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("digest_id", BIG_ID, nullable=True),
        sa.CheckConstraint(STATUSES, name=op.f("ck_outbox_message_status")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_message_attempts_positive")),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_message_digest_id_outbox_message"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["app_user.id"],
            name=op.f("fk_outbox_message_recipient_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_message_key")),
    )
    op.create_index("ix_outbox_message_status_due", "outbox_message", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_message_record", "outbox_message", ["record_type", "record_id"])
    op.create_index(
        "ix_outbox_message_recipient_status", "outbox_message", ["recipient_id", "status"]
    )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint(op.f("ck_app_user_notification_frequency"), type_="check")
        batch.drop_column("notification_frequency")
    op.drop_table("outbox_cursor")
    op.drop_index("ix_outbox_message_recipient_status", table_name="outbox_message")
    op.drop_index("ix_outbox_message_record", table_name="outbox_message")
    op.drop_index("ix_outbox_message_status_due", table_name="outbox_message")
    op.drop_table("outbox_message")

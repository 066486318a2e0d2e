"""Sign-in throttling that a stranger cannot turn against the user: known browsers and a block.

A failed sign-in remembers the known browser it came from (its device cookie's nonce), so a
browser that signed in before is counted on its own; an account that reached the daily ceiling
of failures is blocked (`app_user.sign_in_blocked_at`) until an administrator unblocks it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("sign_in_blocked_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.add_column(sa.Column("device", sa.String(length=32)))
    op.create_index("ix_sign_in_failure_device_at", "sign_in_failure", ["device", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failure_device_at", table_name="sign_in_failure")
    with op.batch_alter_table("sign_in_failure") as batch:
        batch.drop_column("device")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("sign_in_blocked_at")

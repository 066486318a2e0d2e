"""The COTECH coordinator's role: who receives what the COTECH leaves overdue.

The user_role check gains `coordinator` (SQLite rebuilds the table through batch mode;
PostgreSQL replaces the constraint).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = "role IN ('owner', 'cotech', 'copil', 'secretary', 'admin')"
ROLES_AFTER = "role IN ('owner', 'cotech', 'coordinator', 'copil', 'secretary', 'admin')"


def _roles(check: str) -> None:
    with op.batch_alter_table("user_role") as batch:
        batch.drop_constraint(op.f("ck_user_role_role"), type_="check")
        batch.create_check_constraint(op.f("ck_user_role_role"), check)


def upgrade() -> None:
    _roles(ROLES_AFTER)


def downgrade() -> None:
    # A coordinator keeps their other roles (a coordinator is a COTECH member as well).
    op.execute("DELETE FROM user_role WHERE role = 'coordinator'")
    _roles(ROLES_BEFORE)

"""The contract's objectives: objectives, their themes and publics, indicators and their values,
milestones.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
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
        sa.Column("created_for_id", sa.Integer(), nullable=True),
        sa.Column("submitted_for_id", sa.Integer(), nullable=True),
        sa.Column("proposed_for_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_objective_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_for_id"], ["app_user.id"], name=op.f("fk_objective_created_for_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_objective_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["app_user.id"], name=op.f("fk_objective_proposed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_for_id"], ["app_user.id"], name=op.f("fk_objective_proposed_for_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["app_user.id"], name=op.f("fk_objective_submitted_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_for_id"],
            ["app_user.id"],
            name=op.f("fk_objective_submitted_for_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territory.id"], name=op.f("fk_objective_territory_id_territory")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["app_user.id"], name=op.f("fk_objective_updated_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective")),
        sa.UniqueConstraint("reference", name=op.f("uq_objective_reference")),
    )
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=True),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("baseline", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'computed') = (measure IS NOT NULL)", name=op.f("ck_indicator_measure")
        ),
        sa.CheckConstraint("kind IN ('computed', 'reported')", name=op.f("ck_indicator_kind")),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_indicator_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_indicator_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_objective_id"), ["objective_id"], unique=False
        )

    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_milestone_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_milestone_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_milestone_objective_id"), ["objective_id"], unique=False
        )
        batch_op.create_index("ix_milestone_open", ["done_on", "due_on"], unique=False)

    op.create_table(
        "objective_public",
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("vocabulary_term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_objective_public_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vocabulary_term_id"],
            ["vocabulary_term.id"],
            name=op.f("fk_objective_public_vocabulary_term_id_vocabulary_term"),
        ),
        sa.PrimaryKeyConstraint(
            "objective_id", "vocabulary_term_id", name=op.f("pk_objective_public")
        ),
    )
    with op.batch_alter_table("objective_public", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_public_vocabulary_term_id"),
            ["vocabulary_term_id"],
            unique=False,
        )

    op.create_table(
        "objective_theme",
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("vocabulary_term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_objective_theme_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vocabulary_term_id"],
            ["vocabulary_term.id"],
            name=op.f("fk_objective_theme_vocabulary_term_id_vocabulary_term"),
        ),
        sa.PrimaryKeyConstraint(
            "objective_id", "vocabulary_term_id", name=op.f("pk_objective_theme")
        ),
    )
    with op.batch_alter_table("objective_theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_theme_vocabulary_term_id"),
            ["vocabulary_term_id"],
            unique=False,
        )

    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_indicator_value_recorded_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_value_indicator_day", ["indicator_id", "measured_on"], unique=False
        )

    op.create_index(
        "ix_scheme_state_totals",
        "scheme",
        ["state", "id", "annual_budget", "beneficiaries_last_year"],
    )


def downgrade() -> None:
    op.drop_index("ix_scheme_state_totals", table_name="scheme")
    for table in (
        "indicator_value",
        "objective_theme",
        "objective_public",
        "milestone",
        "indicator",
        "objective",
    ):
        op.drop_table(table)

"""Initial schema, and on PostgreSQL the triggers that keep audit_event append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 20:55:55
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types and shapes as the models declare them at this revision, frozen here on purpose.
UTC_DATETIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=14, scale=2)
PEOPLE = ("created_by", "updated_by", "submitted_by", "proposed_by")

AUDIT_GUARD = (
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
            USING HINT = 'Audit events are never changed; record a new event instead.';
    END
    $$
    """,
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)
DROP_AUDIT_GUARD = (
    "DROP TRIGGER audit_event_no_truncate ON audit_event",
    "DROP TRIGGER audit_event_no_change ON audit_event",
    "DROP FUNCTION audit_event_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint(
            "kind IN ('commune', 'epci', 'ctm', 'state', 'association', 'other')",
            name=op.f("ck_organisation_kind"),
        ),
        sa.CheckConstraint(
            "siren IS NULL OR length(siren) = 9", name=op.f("ck_organisation_siren_length")
        ),
        sa.CheckConstraint(
            "siret IS NULL OR length(siret) = 14", name=op.f("ck_organisation_siret_length")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
        sa.UniqueConstraint("siren", name=op.f("uq_organisation_siren")),
    )
    op.create_table(
        "reference_counter",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_reference_counter")),
    )
    op.create_table(
        "territory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("epci_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('commune', 'epci', 'department')", name=op.f("ck_territory_kind")
        ),
        sa.ForeignKeyConstraint(
            ["epci_id"], ["territory.id"], name=op.f("fk_territory_epci_id_territory")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory")),
        sa.UniqueConstraint("kind", "code", name=op.f("uq_territory_kind_code")),
    )
    op.create_index(op.f("ix_territory_epci_id"), "territory", ["epci_id"])
    op.create_table(
        "vocabulary_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("label_fr", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "vocabulary IN ('theme', 'public', 'aid_type')",
            name=op.f("ck_vocabulary_term_vocabulary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vocabulary_term")),
        sa.UniqueConstraint("vocabulary", "code", name=op.f("uq_vocabulary_term_vocabulary_code")),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_app_user_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_index(op.f("ix_app_user_organisation_id"), "app_user", ["organisation_id"])
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'cotech', 'copil', 'admin')", name=op.f("ck_user_role_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_role_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_reference", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=True),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("inputs", JSON, nullable=True),
        sa.Column("changes", JSON, nullable=True),
        sa.Column("data", JSON, nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_audit_event_actor_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
        sa.UniqueConstraint("position", name=op.f("uq_audit_event_position")),
    )
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"])
    op.create_index(op.f("ix_audit_event_actor_id"), "audit_event", ["actor_id"])
    op.create_index(op.f("ix_audit_event_occurred_at"), "audit_event", ["occurred_at"])
    op.create_index(
        "ix_audit_event_record", "audit_event", ["record_type", "record_id", "position"]
    )
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_comment_author_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index("ix_comment_record", "comment", ["record_type", "record_id"])
    op.create_table(
        "pooling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=180), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=True),
        sa.Column("expected_budget", MONEY, nullable=True),
        sa.Column("expected_savings", MONEY, nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_conditions", sa.Text(), nullable=True),
        *_workflow_record_columns("pooling"),
        sa.CheckConstraint(
            "kind IN ('fusion', 'shared_resources', 'territorial_extension', 'coordination')",
            name=op.f("ck_pooling_kind"),
        ),
        sa.CheckConstraint(
            "expected_budget IS NULL OR expected_budget >= 0",
            name=op.f("ck_pooling_budget_positive"),
        ),
        sa.CheckConstraint(
            "expected_savings IS NULL OR expected_savings >= 0",
            name=op.f("ck_pooling_savings_positive"),
        ),
        sa.CheckConstraint(
            "state <> 'approved' OR decision_reference IS NOT NULL",
            name=op.f("ck_pooling_approved_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pooling_lead_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pooling")),
    )
    _create_link_table("pooling_territory", "pooling", "territory")
    op.create_table(
        "scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=180), nullable=False),
        sa.Column("summary", sa.String(length=180), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("annual_budget", MONEY, nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("beneficiaries_last_year", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("eligibility", sa.Text(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("copil_target_date", sa.Date(), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("pooling_id", sa.Integer(), nullable=True),
        *_workflow_record_columns("scheme"),
        sa.CheckConstraint(
            "age_min IS NULL OR (age_min >= 0 AND age_min <= 120)", name=op.f("ck_scheme_age_min")
        ),
        sa.CheckConstraint(
            "age_max IS NULL OR (age_max >= 0 AND age_max <= 120)", name=op.f("ck_scheme_age_max")
        ),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max",
            name=op.f("ck_scheme_age_order"),
        ),
        sa.CheckConstraint(
            "annual_budget IS NULL OR annual_budget >= 0", name=op.f("ck_scheme_budget_positive")
        ),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity >= 0", name=op.f("ck_scheme_capacity_positive")
        ),
        sa.CheckConstraint(
            "beneficiaries_last_year IS NULL OR beneficiaries_last_year >= 0",
            name=op.f("ck_scheme_beneficiaries_positive"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_scheme_date_order"),
        ),
        sa.CheckConstraint(
            "state <> 'approved' OR decision_reference IS NOT NULL",
            name=op.f("ck_scheme_approved_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_scheme_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["pooling_id"], ["pooling.id"], name=op.f("fk_scheme_pooling_id_pooling")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme")),
        sa.UniqueConstraint("uuid", name=op.f("uq_scheme_uuid")),
    )
    op.create_index(op.f("ix_scheme_organisation_id"), "scheme", ["organisation_id"])
    op.create_index(op.f("ix_scheme_pooling_id"), "scheme", ["pooling_id"])
    op.create_index("ix_scheme_state_updated", "scheme", ["state", "updated_at", "id"])
    _create_link_table("pooling_member", "pooling", "scheme")
    _create_link_table("scheme_theme", "scheme", "vocabulary_term")
    _create_link_table("scheme_public", "scheme", "vocabulary_term")
    _create_link_table("scheme_aid_type", "scheme", "vocabulary_term")
    _create_link_table("scheme_territory", "scheme", "territory")
    op.create_table(
        "scheme_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('financeur', 'instructeur', 'operateur', 'partenaire')",
            name=op.f("ck_scheme_partner_role"),
        ),
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR name IS NOT NULL", name=op.f("ck_scheme_partner_who")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["scheme.id"],
            name=op.f("fk_scheme_partner_scheme_id_scheme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_scheme_partner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_partner")),
    )
    op.create_index(op.f("ix_scheme_partner_scheme_id"), "scheme_partner", ["scheme_id"])
    op.create_table(
        "scheme_funder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.CheckConstraint(
            "amount IS NULL OR amount >= 0", name=op.f("ck_scheme_funder_amount_positive")
        ),
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR name IS NOT NULL", name=op.f("ck_scheme_funder_who")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["scheme.id"],
            name=op.f("fk_scheme_funder_scheme_id_scheme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_scheme_funder_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_funder")),
    )
    op.create_index(op.f("ix_scheme_funder_scheme_id"), "scheme_funder", ["scheme_id"])
    # PostgreSQL refuses to change or remove an audit event, whoever asks; on SQLite only the
    # hash chain reveals such a change.
    _execute_on_postgresql(AUDIT_GUARD)


def downgrade() -> None:
    _execute_on_postgresql(DROP_AUDIT_GUARD)
    for table in (
        "scheme_funder",
        "scheme_partner",
        "scheme_territory",
        "scheme_aid_type",
        "scheme_public",
        "scheme_theme",
        "pooling_member",
        "scheme",
        "pooling_territory",
        "pooling",
        "comment",
        "audit_event",
        "user_role",
        "app_user",
        "vocabulary_term",
        "territory",
        "reference_counter",
        "organisation",
    ):
        # Dropping a table drops its indexes too.
        op.drop_table(table)


def _workflow_record_columns(table: str) -> list[sa.Column | sa.Constraint]:
    """The columns of the WorkflowRecord mixin, shared by scheme and pooling."""
    return [
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("workflow_name", sa.String(length=40), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("state_changed_at", UTC_DATETIME, nullable=False),
        *(sa.Column(f"{person}_id", sa.Integer(), nullable=True) for person in PEOPLE),
        *(
            sa.ForeignKeyConstraint(
                [f"{person}_id"], ["app_user.id"], name=op.f(f"fk_{table}_{person}_id_app_user")
            )
            for person in PEOPLE
        ),
        sa.UniqueConstraint("reference", name=op.f(f"uq_{table}_reference")),
    ]


def _create_link_table(name: str, owner: str, target: str) -> None:
    """A many-to-many table: its rows go with the owner, and the target side is indexed."""
    op.create_table(
        name,
        sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
        sa.Column(f"{target}_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [f"{owner}_id"],
            [f"{owner}.id"],
            name=op.f(f"fk_{name}_{owner}_id_{owner}"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [f"{target}_id"], [f"{target}.id"], name=op.f(f"fk_{name}_{target}_id_{target}")
        ),
        sa.PrimaryKeyConstraint(f"{owner}_id", f"{target}_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_{target}_id"), name, [f"{target}_id"])


def _execute_on_postgresql(statements: Sequence[str]) -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in statements:
            op.execute(statement)

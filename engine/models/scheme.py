"""The scheme (dispositif) aggregate: the scheme, its partners and funders."""

import uuid as uuidlib
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.organisation import Organisation
from engine.models.record import WorkflowRecord
from engine.models.territory import Territory
from engine.models.vocabulary import VocabularyTerm

Money = Numeric(14, 2, asdecimal=True)

PARTNER_ROLES = {
    "financeur": "Financeur",
    "instructeur": "Instructeur",
    "operateur": "Opérateur",
    "partenaire": "Partenaire",
}


def _link_table(name: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("scheme_id", ForeignKey("scheme.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}.id"), primary_key=True, index=True),
    )


scheme_theme = _link_table("scheme_theme", "vocabulary_term")
scheme_public = _link_table("scheme_public", "vocabulary_term")
scheme_aid_type = _link_table("scheme_aid_type", "vocabulary_term")
scheme_territory = _link_table("scheme_territory", "territory")


class SchemePartner(Base):
    __tablename__ = "scheme_partner"
    __table_args__ = (
        CheckConstraint(
            "role IN ({})".format(", ".join(f"'{r}'" for r in PARTNER_ROLES)), name="role"
        ),
        CheckConstraint("organisation_id IS NOT NULL OR name IS NOT NULL", name="who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))

    organisation: Mapped[Organisation | None] = relationship()


class SchemeFunder(Base):
    __tablename__ = "scheme_funder"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_positive"),
        CheckConstraint("organisation_id IS NOT NULL OR name IS NOT NULL", name="who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Money)

    organisation: Mapped[Organisation | None] = relationship()


class Scheme(WorkflowRecord, Base):
    __tablename__ = "scheme"
    __table_args__ = (
        CheckConstraint("age_min IS NULL OR (age_min >= 0 AND age_min <= 120)", name="age_min"),
        CheckConstraint("age_max IS NULL OR (age_max >= 0 AND age_max <= 120)", name="age_max"),
        CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_order"
        ),
        CheckConstraint("annual_budget IS NULL OR annual_budget >= 0", name="budget_positive"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        CheckConstraint(
            "beneficiaries_last_year IS NULL OR beneficiaries_last_year >= 0",
            name="beneficiaries_positive",
        ),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="date_order"
        ),
        # A scheme approved by the COPIL always carries the decision that approved it.
        CheckConstraint(
            "state <> 'approved' OR decision_reference IS NOT NULL", name="approved_decision"
        ),
        Index("ix_scheme_state_updated", "state", "updated_at", "id"),
        # The inventory's sort orders (keyset pages) and the worklist's oldest-first reading.
        Index("ix_scheme_updated", "updated_at", "id"),
        Index("ix_scheme_title", "title", "id"),
        Index("ix_scheme_state_changed", "state", "state_changed_at"),
        # The objectives' measures sum the approved schemes' budgets and beneficiaries from the
        # index alone, PostgreSQL too (engine/objectives/measures.py).
        Index("ix_scheme_state_totals", "state", "id", "annual_budget", "beneficiaries_last_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuidlib.UUID] = mapped_column(Uuid, unique=True, default=uuidlib.uuid4)
    title: Mapped[str] = mapped_column(String(180))
    summary: Mapped[str | None] = mapped_column(String(180))
    description: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    annual_budget: Mapped[Decimal | None] = mapped_column(Money)
    capacity: Mapped[int | None]
    beneficiaries_last_year: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    eligibility: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    url: Mapped[str | None] = mapped_column(String(500))
    copil_target_date: Mapped[date | None]
    decision_reference: Mapped[str | None] = mapped_column(String(200))
    pooling_id: Mapped[int | None] = mapped_column(ForeignKey("pooling.id"), index=True)
    # Title, summary and description folded (no case, no accents): what a text search matches.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    themes: Mapped[list[VocabularyTerm]] = relationship(
        secondary=scheme_theme, order_by="VocabularyTerm.position"
    )
    publics: Mapped[list[VocabularyTerm]] = relationship(
        secondary=scheme_public, order_by="VocabularyTerm.position"
    )
    aid_types: Mapped[list[VocabularyTerm]] = relationship(
        secondary=scheme_aid_type, order_by="VocabularyTerm.position"
    )
    territories: Mapped[list[Territory]] = relationship(
        secondary=scheme_territory, order_by="Territory.code"
    )
    partners: Mapped[list[SchemePartner]] = relationship(
        cascade="all, delete-orphan", order_by="SchemePartner.id"
    )
    funders: Mapped[list[SchemeFunder]] = relationship(
        cascade="all, delete-orphan", order_by="SchemeFunder.id"
    )

    record_type = "scheme"

    def __repr__(self) -> str:
        return f"<Scheme {self.reference} {self.state}>"

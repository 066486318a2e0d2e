"""The pooling (mutualisation) aggregate: a proposal to pool two or more schemes."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.organisation import Organisation
from engine.models.record import WorkflowRecord
from engine.models.scheme import Money, Scheme
from engine.models.territory import Territory

POOLING_KINDS = {
    "fusion": "Fusion",
    "shared_resources": "Mise en commun de moyens",
    "territorial_extension": "Extension territoriale",
    "coordination": "Coordination",
}

pooling_member = Table(
    "pooling_member",
    Base.metadata,
    Column("pooling_id", ForeignKey("pooling.id", ondelete="CASCADE"), primary_key=True),
    Column("scheme_id", ForeignKey("scheme.id"), primary_key=True, index=True),
)

pooling_territory = Table(
    "pooling_territory",
    Base.metadata,
    Column("pooling_id", ForeignKey("pooling.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territory.id"), primary_key=True, index=True),
)


class Pooling(WorkflowRecord, Base):
    __tablename__ = "pooling"
    __table_args__ = (
        CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{k}'" for k in POOLING_KINDS)), name="kind"
        ),
        CheckConstraint("expected_budget IS NULL OR expected_budget >= 0", name="budget_positive"),
        CheckConstraint(
            "expected_savings IS NULL OR expected_savings >= 0", name="savings_positive"
        ),
        CheckConstraint(
            "state <> 'approved' OR decision_reference IS NOT NULL", name="approved_decision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(180))
    rationale: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    expected_budget: Mapped[Decimal | None] = mapped_column(Money)
    expected_savings: Mapped[Decimal | None] = mapped_column(Money)
    target_date: Mapped[date | None]
    decision_reference: Mapped[str | None] = mapped_column(String(200))
    decision_date: Mapped[date | None]
    decision_conditions: Mapped[str | None] = mapped_column(Text)

    lead_organisation: Mapped[Organisation | None] = relationship()
    members: Mapped[list[Scheme]] = relationship(
        secondary=pooling_member, order_by="Scheme.reference"
    )
    territories: Mapped[list[Territory]] = relationship(
        secondary=pooling_territory, order_by="Territory.code"
    )

    record_type = "pooling"

    def __repr__(self) -> str:
        return f"<Pooling {self.reference} {self.state}>"

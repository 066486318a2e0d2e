"""The contract's objectives (objectifs du contrat), their indicators, values and milestones.

An objective follows its own workflow (workflows/objective.yaml), set by the COPIL. Its
indicators are either computed from the inventory (a measure of engine/objectives/measures.py,
named with its parameters) or reported by their owner organisation; every value reported, and
every snapshot of a computed one, is kept in `indicator_value`. Milestones are the dated steps
of the calendar (échéancier).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base, JSONType
from engine.models.organisation import Organisation
from engine.models.record import WorkflowRecord
from engine.models.territory import Territory
from engine.models.vocabulary import VocabularyTerm

INDICATOR_KINDS = {"computed": "calculé", "reported": "déclaré"}
# A value: a count, euros or a percentage, two decimals.
Amount = Numeric(16, 2, asdecimal=True)


def _link(name: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("objective_id", ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}.id"), primary_key=True, index=True),
    )


objective_theme = _link("objective_theme", "vocabulary_term")
objective_public = _link("objective_public", "vocabulary_term")


class Objective(WorkflowRecord, Base):
    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # None: Martinique as a whole.
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"))
    target_date: Mapped[date | None]

    organisation: Mapped[Organisation] = relationship()
    territory: Mapped[Territory | None] = relationship()
    themes: Mapped[list[VocabularyTerm]] = relationship(
        secondary=objective_theme, order_by="VocabularyTerm.position"
    )
    publics: Mapped[list[VocabularyTerm]] = relationship(
        secondary=objective_public, order_by="VocabularyTerm.position"
    )
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="objective", cascade="all, delete-orphan", order_by="Indicator.id"
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="objective",
        cascade="all, delete-orphan",
        order_by="(Milestone.due_on, Milestone.id)",
    )

    record_type = "objective"

    def __repr__(self) -> str:
        return f"<Objective {self.reference} {self.state}>"


class Indicator(Base):
    """An indicator of an objective: computed from a named measure, or reported by its owner."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint("kind IN ('computed', 'reported')", name="kind"),
        CheckConstraint("(kind = 'computed') = (measure IS NOT NULL)", name="measure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    measure: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    unit: Mapped[str | None] = mapped_column(String(20))
    baseline: Mapped[Decimal | None] = mapped_column(Amount)
    baseline_date: Mapped[date | None]
    target: Mapped[Decimal | None] = mapped_column(Amount)
    target_date: Mapped[date | None]
    # Whose users report its values (a reported indicator); None: the COPIL only.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    objective: Mapped[Objective] = relationship(back_populates="indicators")
    organisation: Mapped[Organisation | None] = relationship()
    values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        order_by="(IndicatorValue.measured_on, IndicatorValue.id)",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class IndicatorValue(Base):
    """One value of an indicator at a date: reported (with its source) or a computed snapshot."""

    __tablename__ = "indicator_value"
    __table_args__ = (Index("ix_indicator_value_indicator_day", "indicator_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Amount)
    measured_on: Mapped[date]
    source: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    indicator: Mapped[Indicator] = relationship(back_populates="values")


class Milestone(Base):
    """A dated step of an objective's calendar; late when its day passed and it is not done."""

    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_open", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objective.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    objective: Mapped[Objective] = relationship(back_populates="milestones")
    organisation: Mapped[Organisation | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

"""The SSMSI's recorded-crime figures for Martinique's communes and the département."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.user import User

TERRITORY_LEVELS = ("commune", "department")


class CrimeFigure(Base):
    """One figure of one year: a count and its rate, or "not published" (both None)."""

    __tablename__ = "crime_figure"
    __table_args__ = (
        UniqueConstraint("year", "territory_code", "indicator", "unit", name="uq_crime_figure"),
        Index("ix_crime_figure_indicator_year", "indicator", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    territory_code: Mapped[str] = mapped_column(String(5))  # INSEE code, or "972"
    year: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    # False when the SSMSI withholds the figure (est_diffuse = ndiff): count and rate are None,
    # and must be shown as « non diffusé », never as 0.
    published: Mapped[bool]
    count: Mapped[int | None]
    rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 7, asdecimal=True))
    population: Mapped[int | None]
    population_year: Mapped[int | None]
    dwellings: Mapped[int | None]
    dwellings_year: Mapped[int | None]


class DiagnosticNote(Base):
    """A note of the COTECH on a commune's figure of one indicator and year (a gap, mostly):
    the committee's working material, read by the committees and administrators only."""

    __tablename__ = "diagnostic_note"
    __table_args__ = (Index("ix_diagnostic_note_indicator_year", "indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_code: Mapped[str] = mapped_column(String(5))
    indicator: Mapped[str] = mapped_column(String(120))
    year: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()

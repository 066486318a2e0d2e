"""Per-year counters behind record references (DSP-2026-0042): never reused."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class ReferenceCounter(Base):
    __tablename__ = "reference_counter"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)

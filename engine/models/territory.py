"""Reference territories: the 34 communes, the 3 EPCI and Martinique as a whole."""

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base

COG_PREFIX = {"commune": "COM", "epci": "EPCI", "department": "DEP"}


class Territory(Base):
    __tablename__ = "territory"
    __table_args__ = (
        UniqueConstraint("kind", "code"),
        CheckConstraint("kind IN ('commune', 'epci', 'department')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # INSEE code for a commune, SIREN for an EPCI, department number for Martinique.
    code: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str | None] = mapped_column(String(60))
    population: Mapped[int | None]
    epci_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id"), index=True)

    epci: Mapped["Territory | None"] = relationship(remote_side=[id])

    @property
    def cog(self) -> str:
        """The COG-style identifier used by the open-data format (COM-97209, DEP-972…)."""
        return f"{COG_PREFIX[self.kind]}-{self.code}"

    def __repr__(self) -> str:
        return f"<Territory {self.cog} {self.name}>"

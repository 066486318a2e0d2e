"""Organisations that run schemes (structures / porteurs)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base

ORGANISATION_KINDS = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "ctm": "Collectivité Territoriale de Martinique",
    "state": "Service de l'État",
    "association": "Association",
    "other": "Autre",
}


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(
            "kind IN ({})".format(", ".join(f"'{k}'" for k in ORGANISATION_KINDS)), name="kind"
        ),
        CheckConstraint("siren IS NULL OR length(siren) = 9", name="siren_length"),
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    created_at: Mapped[datetime]
    # The name folded (no case, no accents): what a text search matches.
    search_text: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"

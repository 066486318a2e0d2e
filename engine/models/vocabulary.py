"""Extendable vocabularies: themes, publics, aid types."""

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base

VOCABULARIES = {"theme": "thématiques", "public": "publics cibles", "aid_type": "nature de l'aide"}


class VocabularyTerm(Base):
    __tablename__ = "vocabulary_term"
    __table_args__ = (
        UniqueConstraint("vocabulary", "code"),
        CheckConstraint(
            "vocabulary IN ({})".format(", ".join(f"'{v}'" for v in VOCABULARIES)),
            name="vocabulary",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(60))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<VocabularyTerm {self.vocabulary}:{self.code}>"

"""Pooling candidates (pistes de mutualisation): pairs and small groups of schemes that overlap,
scored and explained, recomputed from the schemes; and the COTECH's dismissals of them."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONType

candidate_member = Table(
    "pooling_candidate_member",
    Base.metadata,
    Column(
        "candidate_id", ForeignKey("pooling_candidate.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("scheme_id", ForeignKey("scheme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PoolingCandidate(Base):
    """A pair (size 2) or a group (3 or more) of schemes that could be pooled.

    `key` is the members' ids, sorted, joined by "-": the same members are one candidate.
    `reasons` are the parts of the score as data ({"kind": "publics", "fr": [...], "en": [...]}),
    put into words in either language by `engine.candidates.reasons`."""

    __tablename__ = "pooling_candidate"
    __table_args__ = (
        CheckConstraint("size >= 2", name="size"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        Index("ix_pooling_candidate_score", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    size: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    computed_at: Mapped[datetime]


class CandidateDismissal(Base):
    """A candidate the COTECH set aside, and why. It stays hidden while its score has not risen
    by `engine.candidates.store.COMES_BACK` or more since (a member that changed markedly)."""

    __tablename__ = "pooling_candidate_dismissal"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    dismissed_at: Mapped[datetime]
    dismissed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

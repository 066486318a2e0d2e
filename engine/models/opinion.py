"""Opinions (avis) the COTECH asks of a service on a record, and the committee's private notes.

An opinion follows its own workflow (workflows/opinion.yaml: requested → answered, or withdrawn
by the COTECH). It is attached to a scheme or a pooling like a comment (`record_type`,
`record_id`); it is the committee's working material, never shown to the record's owners.

A committee note is a separate table rather than a comment with a flag: every read of comments
(the record's history, the COPIL agenda, the case file, the log shown on a page) would have had
to filter a flag, and one forgotten filter shows a private note to the owners. A table of its
own is read only where it is meant to be (engine/services/committee_notes.py).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.organisation import Organisation
from engine.models.user import User

# The expert's verdict: key → French label (the words).
VERDICTS = {
    "favourable": "favorable",
    "reserved": "réservé",
    "unfavourable": "défavorable",
}
VERDICTS_EN = {
    "favourable": "favourable",
    "reserved": "with reservations",
    "unfavourable": "unfavourable",
}
# The kinds of organisation an opinion may be asked of: a State service (Police, Gendarmerie,
# Parquet, Douanes…) or a commune (its CLSPD).
EXPERT_KINDS = ("state", "commune")


def _in(column: str, values) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Opinion(Base):
    __tablename__ = "opinion"
    __table_args__ = (
        Index("ix_opinion_record", "record_type", "record_id"),
        Index("ix_opinion_expert_state", "expert_organisation_id", "state", "due_on"),
        CheckConstraint(_in("record_type", ("scheme", "pooling")), name="record_type"),
        CheckConstraint("verdict IS NULL OR " + _in("verdict", VERDICTS), name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    expert_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # Optional: the person asked by name; any active user of the organisation may answer.
    expert_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    question: Mapped[str] = mapped_column(Text)
    # A Martinique day: overdue from the day after, while not answered.
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(40))
    workflow_name: Mapped[str] = mapped_column(String(40))
    workflow_version: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime]
    verdict: Mapped[str | None] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answered_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawal_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    expert_organisation: Mapped[Organisation] = relationship()
    expert_user: Mapped[User | None] = relationship(foreign_keys=[expert_user_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def overdue(self, today: date) -> bool:
        """Whether the answer is late on `today` (a Martinique day)."""
        return self.state == "requested" and self.due_on < today

    @property
    def verdict_label(self) -> str | None:
        return VERDICTS.get(self.verdict) if self.verdict else None


class CommitteeNote(Base):
    """A note of the committees on a record: never shown to its owners."""

    __tablename__ = "committee_note"
    __table_args__ = (
        Index("ix_committee_note_record", "record_type", "record_id"),
        CheckConstraint(_in("record_type", ("scheme", "pooling")), name="record_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()

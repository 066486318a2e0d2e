"""A committee's meeting (séance du COPIL, du COTECH): who is convened, the agenda, the decisions.

A meeting follows its own workflow (workflows/meeting.yaml). Its agenda items pin the version of
the record they put before the committee; each decision recorded in session gets a number of the
meeting (COPIL-2027-01/D04), never reused, and closing the meeting applies them all in one
transaction.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.record import WorkflowRecord
from engine.models.user import User

COMMITTEES = {"copil": "COPIL", "cotech": "COTECH"}
ATTENDANCE = {
    "present": "présent",
    "represented": "représenté",
    "excused": "excusé",
    "absent": "absent",
}
# What the committee may decide on an item, and the record's transition it applies.
OUTCOMES = {
    "approve": "approuver",
    "send_back": "renvoyer au COTECH",
    "reject": "ne pas retenir",
}
ITEM_KINDS = {"decision": "pour décision", "information": "pour information"}


def _in(column: str, values) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Meeting(WorkflowRecord, Base):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(_in("committee", COMMITTEES), name="committee"),
        CheckConstraint("decisions_issued >= 0", name="decisions_issued_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(180))
    starts_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    quorum_rule: Mapped[str] = mapped_column(String(30))
    # The last decision number issued: D01, D02… are never given twice, even when undone.
    decisions_issued: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))

    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])
    members: Mapped[list["MeetingMember"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingMember.id",
        foreign_keys="MeetingMember.meeting_id",
    )
    items: Mapped[list["MeetingItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingItem.position"
    )

    record_type = "meeting"

    def __repr__(self) -> str:
        return f"<Meeting {self.reference} {self.state}>"


class MeetingMember(Base):
    """A member convened to a meeting, and how they attended."""

    __tablename__ = "meeting_member"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_member"),
        # One proxy each: a member holds the proxy of at most one other member.
        UniqueConstraint("meeting_id", "proxy_holder_id", name="uq_meeting_member_proxy"),
        CheckConstraint(
            "attendance IS NULL OR " + _in("attendance", ATTENDANCE), name="attendance"
        ),
        CheckConstraint(
            "(attendance = 'represented') = (proxy_holder_id IS NOT NULL)", name="proxy"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    attendance: Mapped[str | None] = mapped_column(String(20))
    proxy_holder_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="members", foreign_keys=[meeting_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proxy_holder: Mapped[User | None] = relationship(foreign_keys=[proxy_holder_id])


class MeetingItem(Base):
    """One item of a meeting's agenda: a record put before the committee, or an information."""

    __tablename__ = "meeting_item"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(
            "(record_type IS NULL) = (record_id IS NULL) AND "
            "(record_id IS NULL) = (record_version IS NULL)",
            name="record",
        ),
        CheckConstraint(
            "kind = 'decision' OR record_id IS NULL OR outcome IS NULL", name="informed_only"
        ),
        CheckConstraint(
            "(votes_for IS NULL OR votes_for >= 0) AND (votes_against IS NULL OR "
            "votes_against >= 0) AND (votes_abstention IS NULL OR votes_abstention >= 0)",
            name="votes_positive",
        ),
        UniqueConstraint("decision_number", name="uq_meeting_item_decision_number"),
        Index("ix_meeting_item_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    record_type: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[int | None]
    # The record's version when it was put on the agenda: a record changed since is reported.
    record_version: Mapped[int | None]
    summary: Mapped[str | None] = mapped_column(Text)  # the COTECH's summary
    added_late: Mapped[bool] = mapped_column(default=False)  # after the convocation
    outcome: Mapped[str | None] = mapped_column(String(20))
    conditions: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstention: Mapped[int | None]
    decision_number: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    recusals: Mapped[list["Recusal"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Recusal.id"
    )


class Recusal(Base):
    """A member who takes no part in an item: by their organisation, or as they declared."""

    __tablename__ = "meeting_recusal"
    __table_args__ = (UniqueConstraint("item_id", "user_id", name="uq_meeting_recusal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    automatic: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(500))

    item: Mapped[MeetingItem] = relationship(back_populates="recusals")
    user: Mapped[User] = relationship()

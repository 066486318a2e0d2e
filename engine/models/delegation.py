"""Delegations: a user lends some of their roles to another for a period (an absence)."""

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import local
from engine.db.base import Base
from engine.models.user import User

# The roles a delegation may lend: the workflows' own. An administrator grants roles rather than
# lending them, and a meeting names its secretary.
DELEGABLE = ("owner", "cotech", "copil")


class DelegationRole(Base):
    __tablename__ = "delegation_role"
    __table_args__ = (
        CheckConstraint("role IN ({})".format(", ".join(f"'{r}'" for r in DELEGABLE)), name="role"),
    )

    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegation.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Delegation(Base):
    """From `starts_at` until `ends_at` (UTC instants, excluded), unless revoked before."""

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint("delegate_id <> delegator_id", name="not_to_oneself"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # "The active delegations to X at T": by delegate, the ended ones skipped by the range.
        Index("ix_delegation_delegate_id_ends_at", "delegate_id", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
    role_rows: Mapped[list[DelegationRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def status(self, now: datetime) -> str:
        """Return "revoked", "ended", "upcoming" or "active" at `now`."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.ends_at:
            return "ended"
        return "upcoming" if now < self.starts_at else "active"

    @property
    def first_day(self) -> date:
        """The Martinique day it starts."""
        return local(self.starts_at).date()

    @property
    def last_day(self) -> date:
        """The last Martinique day it covers (its end instant is excluded)."""
        return local(self.ends_at - timedelta(microseconds=1)).date()

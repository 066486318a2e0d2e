"""Failed sign-ins, counted by every app server alike to slow down password guessing."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class SignInFailure(Base):
    """One failed sign-in: which account was tried (as typed, folded), from where, when, and from
    which known browser."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_email_at", "email", "at"),
        Index("ix_sign_in_failure_address_at", "address", "at"),
        Index("ix_sign_in_failure_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime]
    # The known browser it came from (its device cookie's nonce), or None for an unknown one.
    device: Mapped[str | None] = mapped_column(String(32))

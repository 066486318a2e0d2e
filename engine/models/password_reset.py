"""Forgotten passwords: the reset links mailed to users, and the requests that throttle them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class PasswordReset(Base):
    """A reset link sent to a user: only the SHA-256 of its secret is kept.

    It works once (`used_at`), until `expires_at`, if it is the user's newest one and the
    password is still the one it was issued against (`password_digest`).
    """

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the secret in the link: 256 random bits need no slow hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the password hash when the link was issued: a password changed since voids it.
    password_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PasswordResetRequest(Base):
    """One request for a reset link, known address or not: what the throttle counts."""

    __tablename__ = "password_reset_request"
    __table_args__ = (
        Index("ix_password_reset_request_email_at", "email", "at"),
        Index("ix_password_reset_request_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The address typed, folded as accounts are keyed.
    email: Mapped[str] = mapped_column(String(254))
    # The client's IP address.
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime]

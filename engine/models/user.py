"""People who sign in, and the roles they hold."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.models.organisation import Organisation

ROLES = {
    "owner": "Porteur de dispositif",
    "cotech": "Membre du COTECH",
    # Receives the escalation of what the COTECH leaves overdue (engine/notifications).
    "coordinator": "Coordinateur du COTECH",
    "copil": "Membre du COPIL",
    "secretary": "Secrétaire de séance",
    "admin": "Administrateur",
}


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (
        CheckConstraint("role IN ({})".format(", ".join(f"'{r}'" for r in ROLES)), name="role"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(
            "notification_frequency IN ('immediate', 'daily', 'weekly')",
            name="notification_frequency",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Carried by every signed-in browser session; raising it ends all of them (sign-out,
    # password or role change, deactivation).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The interface language the user chose ("fr" or "en"); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(5))
    # How the user wants to be told: each notification at once, or a daily or weekly digest.
    notification_frequency: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )
    created_at: Mapped[datetime]
    # Set when the account reached the daily ceiling of failed sign-ins: only a known browser
    # signs in until an administrator unblocks it (or a password reset does).
    sign_in_blocked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

"""Browser sessions (Flask-Login), checked against the database on every request."""

from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from engine.models import User
from web.context import reading

CSRF = "maillage.csrf"


class SignedIn(UserMixin):
    """A signed-in user as Flask-Login sees them; the session id carries the session version."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"

    @property
    def is_active(self) -> bool:
        return self.user.active


def register_login(app: Flask) -> None:
    """Set up sessions and CSRF protection (checked explicitly where a session writes)."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    manager = LoginManager(app)
    manager.user_loader(load_signed_in)
    app.extensions[CSRF] = CSRFProtect(app)


def load_signed_in(session_id: str) -> SignedIn | None:
    """Return the session's user while it is active and its session version is current."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 10:
        return None
    user = reading().session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return SignedIn(user)

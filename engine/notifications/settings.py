"""Mail settings, from the environment: the SMTP server, the sender, the application's address."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}
DEFAULT_SENDER = "Maillage <ne-pas-repondre@maillage.localhost>"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class MailSettingsError(ValueError):
    """MAILLAGE_SMTP_URL cannot be read; the message says why, in French."""


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes (`smtp://host:25`, `smtp+starttls://user:pass@host:587`,
    `smtps://user:pass@host:465`, optionally `?timeout=10`), who sends it, and the address of
    the application that links in mails point to."""

    host: str
    port: int
    security: str = "plain"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    sender: str = DEFAULT_SENDER
    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def from_url(cls, url: str, *, sender: str = DEFAULT_SENDER, base_url: str = DEFAULT_BASE_URL):
        """Read an SMTP URL; raise MailSettingsError with the reason in French."""
        parts = urlsplit(url)
        security = SCHEMES.get(parts.scheme)
        if security is None or not parts.hostname:
            raise MailSettingsError(
                f"MAILLAGE_SMTP_URL illisible ({parts.scheme or 'sans schéma'}) : attendu "
                "smtp://hôte:port, smtp+starttls://… ou smtps://…"
            )
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[security],
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=float(query.get("timeout", ["30"])[0]),
            sender=sender,
            base_url=base_url.rstrip("/"),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "MailSettings | None":
        """Read MAILLAGE_SMTP_URL, MAILLAGE_MAIL_FROM, MAILLAGE_BASE_URL; None without a server."""
        url = environ.get("MAILLAGE_SMTP_URL")
        if not url:
            return None
        return cls.from_url(
            url,
            sender=environ.get("MAILLAGE_MAIL_FROM") or DEFAULT_SENDER,
            base_url=environ.get("MAILLAGE_BASE_URL") or DEFAULT_BASE_URL,
        )

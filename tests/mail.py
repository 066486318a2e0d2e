"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests."""

import asyncio
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    """One message as the server received it."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the plain or html part."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()


class _Handler:
    def __init__(self, server: "MailServer") -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return "550 5.1.1 Destinataire inconnu"
        if self.server.unavailable:
            return "451 4.3.0 Réessayez plus tard"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:
            # A slow server: the message is recorded, then accepted (250), only after the delay.
            await asyncio.sleep(self.server.delay)
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), mail)
        with self.server.lock:
            self.server.messages.append(received)
        return "250 Message accepted for delivery"


class MailServer:
    """`start()`, then `url` for MAILLAGE_SMTP_URL; `messages` holds what arrived."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refused: set[str] = set()
        self.unavailable = False
        self.delay = 0.0  # seconds each message takes to be accepted
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> "MailServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Received]:
        """The messages received for one address, in order."""
        with self.lock:
            return [m for m in self.messages if address in m.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

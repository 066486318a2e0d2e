"""Mail out through SMTP: one connection for a batch, one MIME message per notification."""

import base64
import hashlib
import re
import smtplib
import ssl
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from functools import cache

from engine.notifications.rendering import Rendered
from engine.notifications.settings import MailSettings

CRLF = "\r\n"
# A refusal the server will repeat (5xx): retrying cannot help, the message goes to dead letters.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def is_permanent(error: Exception) -> bool:
    """Tell whether an SMTP error will not pass on a retry (a 5xx answer)."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    return isinstance(error, PERMANENT) and code is not None and 500 <= code < 600


def message_id(key: str) -> str:
    """The Message-ID of a notification, derived from its key: the same notification always
    carries the same id, so a receiving system can tell a repeat from a new message."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@maillage>"


def compose(settings: MailSettings, to: str, key: str, rendered: Rendered) -> Message:
    """Build the MIME message: plain text first, HTML as the alternative.

    Built with the email package's compat32 classes: the `EmailMessage` API parses every header
    it is given through its registry, which made composing cost three times the SMTP exchange.
    Non-ASCII headers are encoded explicitly (RFC 2047), bodies are UTF-8.
    """
    text = MIMEText(rendered.text, "plain", "utf-8")
    if rendered.html:
        mail: Message = MIMEMultipart("alternative")
        mail.attach(text)
        mail.attach(MIMEText(rendered.html, "html", "utf-8"))
    else:
        mail = text
    mail["From"] = formataddr(parseaddr(settings.sender), charset="utf-8")
    mail["To"] = to
    mail["Subject"] = Header(rendered.subject, "utf-8")
    mail["Message-ID"] = message_id(key)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Auto-Submitted"] = "auto-generated"
    return mail


def encode(settings: MailSettings, to: str, key: str, rendered: Rendered) -> bytes:
    """The message `compose` builds, as the bytes sent (CRLF lines), written directly: the email
    package's generator cost more than the SMTP exchange itself. Headers and bodies are ASCII
    (RFC 2047 words, base64 UTF-8 bodies); the boundary is drawn from the key and cannot occur
    in base64."""
    boundary = "=_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    lines = [
        f"From: {from_header(settings.sender)}",
        f"To: {to}",
        f"Subject: {encode_header(rendered.subject)}",
        f"Message-ID: {message_id(key)}",
        f"Date: {formatdate(localtime=False, usegmt=True)}",
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
    ]
    if not rendered.html:
        return _join(lines + _part("plain", rendered.text))
    lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
    for subtype, body in (("plain", rendered.text), ("html", rendered.html)):
        lines += [f"--{boundary}", *_part(subtype, body)]
    return _join([*lines, f"--{boundary}--", ""])


@cache
def from_header(sender: str) -> str:
    """The From header of a sender ("Name <address>"), its name RFC 2047 encoded if need be."""
    return formataddr(parseaddr(sender), charset="utf-8")


@cache
def envelope_sender(sender: str) -> str:
    """The address alone, for SMTP's MAIL FROM."""
    return parseaddr(sender)[1]


# "Subject: " and an encoded word within 78 characters: "=?utf-8?b?" + 56 of base64 (42 bytes)
# + "?=" is 68.
_WORD_BYTES = 42
_PLAIN = re.compile(r"[ -~]{0,68}")


def encode_header(value: str) -> str:
    """A header's value as RFC 2047 base64 UTF-8 words, one per folded line (CRLF + space),
    never splitting a character; printable ASCII that fits on its line is kept as it is. Written
    directly: the email package's `Header` measured every character of the subject twice (its
    quoted-printable and base64 lengths), a millisecond per message."""
    if _PLAIN.fullmatch(value) and "=?" not in value:
        return value
    words, chunk = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return (CRLF + " ").join(
        f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words
    )


def _part(subtype: str, body: str) -> list[str]:
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii").rstrip("\n")
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        *encoded.split("\n"),
    ]


def _join(lines: list[str]) -> bytes:
    return CRLF.join(lines).encode("ascii")


class Mailer:
    """An SMTP session: `with Mailer(settings) as mailer: mailer.send(mail)`."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        s = self.settings
        if s.security == "ssl":
            context = ssl.create_default_context()
            self._smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                self._smtp.starttls(context=ssl.create_default_context())
        if s.username:
            self._smtp.login(s.username, s.password or "")
        return self

    def send(self, mail: Message) -> None:
        """Hand one message to the server; raise on refusal."""
        assert self._smtp is not None, "use Mailer as a context manager"
        self._smtp.send_message(mail)

    def send_bytes(self, to: str, data: bytes) -> None:
        """Hand one message already encoded (`encode`) to the server; raise on refusal."""
        assert self._smtp is not None, "use Mailer as a context manager"
        self._smtp.sendmail(envelope_sender(self.settings.sender), [to], data)

    def __exit__(self, *exc) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

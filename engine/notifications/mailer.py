"""Mail out through SMTP: one connection for a batch, one MIME message per notification."""

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from engine.notifications.rendering import Rendered
from engine.notifications.settings import MailSettings

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


def compose(settings: MailSettings, to: str, key: str, rendered: Rendered) -> EmailMessage:
    """Build the MIME message: plain text first, HTML as the alternative."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = to
    mail["Subject"] = rendered.subject
    mail["Message-ID"] = message_id(key)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(rendered.text)
    if rendered.html:
        mail.add_alternative(rendered.html, subtype="html")
    return mail


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

    def send(self, mail: EmailMessage) -> None:
        """Hand one message to the server; raise on refusal."""
        assert self._smtp is not None, "use Mailer as a context manager"
        self._smtp.send_message(mail)

    def __exit__(self, *exc) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

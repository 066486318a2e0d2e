"""The MIME message of a notification: headers encoded, text then HTML, the key's Message-ID."""

from email import message_from_bytes, policy

import pytest

from engine.notifications.mailer import compose, encode, message_id
from engine.notifications.rendering import Rendered
from engine.notifications.settings import MailSettings

SETTINGS = MailSettings.from_url(
    "smtp://127.0.0.1:25", sender="Maillage — CTM <ne-pas-repondre@maillage.mq>"
)
LONG = "[Maillage] « Médiation de rue auprès des jeunes le soir et le week-end » à compléter"


@pytest.mark.parametrize("build", ["compose", "encode"])
def test_a_notification_reads_back_as_written(build):
    rendered = Rendered("[Maillage] « Médiation » à compléter", "Bonjour,\nété\n", "<p>été</p>")

    raw = _raw(build, rendered)
    mail = message_from_bytes(raw, policy=policy.default)

    assert raw.isascii()
    assert str(mail["From"]) == "Maillage — CTM <ne-pas-repondre@maillage.mq>"
    assert str(mail["Subject"]) == "[Maillage] « Médiation » à compléter"
    assert mail["Message-ID"] == message_id("event:7:user:3")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_body(("plain",)).get_content() == "Bonjour,\nété\n"
    assert mail.get_body(("html",)).get_content() == "<p>été</p>"


def test_encoded_bytes_have_crlf_lines_a_long_subject_and_no_html_part_when_none():
    raw = encode(SETTINGS, "owner@example.mq", "event:8:user:3", Rendered(LONG, "é" * 300, None))
    assert b"\n" not in raw.replace(b"\r\n", b"") and max(map(len, raw.split(b"\r\n"))) <= 78
    mail = message_from_bytes(raw, policy=policy.default)
    assert str(mail["Subject"]) == LONG
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content() == "é" * 300


def _raw(build: str, rendered: Rendered) -> bytes:
    if build == "compose":
        return compose(SETTINGS, "owner@example.mq", "event:7:user:3", rendered).as_bytes()
    return encode(SETTINGS, "owner@example.mq", "event:7:user:3", rendered)

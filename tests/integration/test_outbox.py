"""The outbox: written in the caller's transaction, once per key, sent after commit by a real
SMTP exchange; retried with backoff, dead letters after a permanent refusal."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models.notification import OutboxMessage
from engine.notifications.outbox import Message, enqueue
from engine.notifications.sender import backoff, claim, send_due
from engine.notifications.settings import MailSettings, MailSettingsError
from engine.notifications.worker import Worker
from tests.mail import free_port


def waiting(address="cotech@example.mq", key="event:1:user:1", locale="fr", **extra):
    context = {
        "reference": "DISP-2026-0001",
        "title": "Médiateurs de rue <soir>",
        "state": "enregistré",
        "path": "/dispositifs/1",
        "occurred_at": "2026-11-26T14:00:00+00:00",
    }
    return Message(
        key, "record_waiting", address, locale, context, record_type="scheme", record_id=1, **extra
    )


def write(db, clock, *messages, commit=True):
    with UnitOfWork(db, clock=clock) as uow:
        conn = uow.begin_write()
        enqueue(conn, list(messages), clock())
        if commit:
            uow.commit()


def rows(db):
    with UnitOfWork(db) as uow:
        return uow.connection.execute(
            select(OutboxMessage.__table__).order_by(OutboxMessage.id)
        ).all()


def test_a_message_is_mailed_once_in_french_text_and_html(
    db, test_clock, mail_server, mail_settings
):
    write(db, test_clock, waiting())
    write(db, test_clock, waiting())  # the same key again: not written twice

    tally = send_due(db, mail_settings, test_clock)

    assert (tally.sent, tally.dead, tally.retried) == (1, 0, 0)
    [mail] = mail_server.to("cotech@example.mq")
    assert mail.subject == (
        "[Maillage] DISP-2026-0001 « Médiateurs de rue <soir> » attend votre action (enregistré)"
    )
    assert "https://maillage.example/dispositifs/1" in mail.part("plain")
    assert "26/11/2026 à 10:00" in mail.part("plain")  # Martinique time
    assert "Médiateurs de rue &lt;soir&gt;" in mail.part("html")
    assert mail.message_id.endswith("@maillage>")
    [row] = rows(db)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, test_clock())
    assert row.subject.startswith("[Maillage] DISP-2026-0001")
    assert send_due(db, mail_settings, test_clock).claimed == 0


def test_english_recipients_read_english(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting(locale="en"))
    send_due(db, mail_settings, test_clock)
    [mail] = mail_server.messages
    assert mail.subject.startswith('[Maillage] DISP-2026-0001 "Médiateurs de rue <soir>" awaits')
    assert "26/11/2026 at 10:00" in mail.part("plain")


def test_a_rolled_back_change_sends_nothing(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting(), commit=False)
    assert send_due(db, mail_settings, test_clock).claimed == 0
    assert rows(db) == [] and mail_server.messages == []


def test_a_held_message_waits_for_its_digest(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting(held=True))
    assert send_due(db, mail_settings, test_clock).claimed == 0
    assert rows(db)[0].status == "held"


def test_a_message_due_later_is_not_sent_before(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting(due_at=test_clock() + timedelta(hours=2)))
    assert send_due(db, mail_settings, test_clock).claimed == 0
    test_clock.advance(hours=2)
    assert send_due(db, mail_settings, test_clock).sent == 1


def test_a_temporary_refusal_is_retried_with_backoff(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting())
    mail_server.unavailable = True
    tally = send_due(db, mail_settings, test_clock)
    assert (tally.sent, tally.retried) == (0, 1)
    [row] = rows(db)
    assert row.status == "pending" and row.next_attempt_at == test_clock() + timedelta(minutes=1)
    assert "451" in row.last_error

    mail_server.unavailable = False
    assert send_due(db, mail_settings, test_clock).claimed == 0  # not before its time
    test_clock.advance(minutes=1)
    assert send_due(db, mail_settings, test_clock).sent == 1
    assert rows(db)[0].attempts == 2


def test_a_permanent_refusal_is_a_dead_letter(db, test_clock, mail_server, mail_settings):
    mail_server.refused.add("parti@example.mq")
    write(db, test_clock, waiting("parti@example.mq"), waiting(key="event:1:user:2"))
    tally = send_due(db, mail_settings, test_clock)
    assert (tally.sent, tally.dead) == (1, 1)
    dead, sent = rows(db)
    assert dead.status == "dead" and "550" in dead.last_error
    assert sent.status == "sent"


def test_an_unreachable_server_loses_nothing(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting())
    nobody = MailSettings.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")
    tally = send_due(db, nobody, test_clock)
    assert (tally.sent, tally.retried) == (0, 1)
    [row] = rows(db)
    assert row.status == "pending" and "injoignable" in row.last_error
    test_clock.advance(minutes=1)
    assert send_due(db, mail_settings, test_clock).sent == 1


def test_a_lease_left_by_a_dead_worker_expires(db, test_clock, mail_server, mail_settings):
    write(db, test_clock, waiting())
    [_leased] = claim(db, test_clock, 10)  # a worker claims it, then dies before sending
    assert claim(db, test_clock, 10) == []  # leased: nobody else takes it
    test_clock.advance(minutes=6)
    assert send_due(db, mail_settings, test_clock).sent == 1
    assert len(mail_server.messages) == 1 and rows(db)[0].attempts == 2


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(20) == timedelta(hours=6)


def test_the_worker_sends_in_batches_until_nothing_is_due(
    db, test_clock, mail_server, mail_settings
):
    write(db, test_clock, *[waiting(key=f"event:1:user:{n}") for n in range(7)])
    tally = Worker(db, mail_settings, clock=test_clock, batch=3, producers=()).run_once()
    assert tally.sent == 7 and len(mail_server.messages) == 7


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://mail.example:2525", ("mail.example", 2525, "plain", None)),
        (
            "smtp+starttls://moi%40ctm:secret@mail.example",
            ("mail.example", 587, "starttls", "moi@ctm"),
        ),
        ("smtps://mail.example", ("mail.example", 465, "ssl", None)),
    ],
)
def test_the_smtp_url(url, expected):
    s = MailSettings.from_url(url)
    assert (s.host, s.port, s.security, s.username) == expected


def test_an_unreadable_smtp_url_is_refused_in_french():
    with pytest.raises(MailSettingsError, match="MAILLAGE_SMTP_URL illisible"):
        MailSettings.from_url("http://mail.example")

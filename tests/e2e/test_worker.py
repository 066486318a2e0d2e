"""`maillage worker` as a real process against a real SMTP server on loopback: killed with
SIGKILL in the middle of a batch, then restarted, it delivers every notification, none twice
but possibly the one it was handing over when it died, with the same Message-ID; two workers
on PostgreSQL share the queue without ever sending the same message.

The server is slowed down (each message is recorded and answered 250 only after a delay), so a
kill lands while a batch is in flight. The one window no SMTP client can close is between the
server's 250 and the worker's record that the message went (RFC 1047): a message accepted just
before the kill is sent again after restart, carrying the same Message-ID, by which a receiving
system recognises the repeat. The tests count by Message-ID and allow that one repeat, no more.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from engine.db.uow import UnitOfWork
from engine.models.notification import OutboxMessage
from engine.notifications.dispatch import dispatch
from engine.notifications.mailer import message_id
from tests.factories import World
from tests.mail import MailServer

REPO_ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
DELAY = 0.04
_t = OutboxMessage.__table__


def start_worker(world: World, mail_server: MailServer, tmp_path: Path, *options: str):
    env = {
        **os.environ,
        "MAILLAGE_DATABASE_URL": world.db.url.render_as_string(hide_password=False),
        "MAILLAGE_SECRET_KEY": "e2e-worker",
        "MAILLAGE_INSTANCE_PATH": str(tmp_path),
        "MAILLAGE_SMTP_URL": mail_server.url,
        "MAILLAGE_BASE_URL": "https://maillage.example",
        "MAILLAGE_MAIL_FROM": "Maillage <maillage@example.mq>",
    }
    command = [sys.executable, "-c", "from cli.main import main; main()", "worker", *options]
    with (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb") as log:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def queue(world: World, test_clock, schemes: int) -> list[str]:
    """Submit schemes that five COTECH members are told of; dispatch them; return the keys."""
    for i in (3, 4, 5):
        world.actors[f"cotech{i}"] = world.add_user(f"cotech{i}", ["cotech"], None)
    for i in range(schemes):
        world.scheme("recorded", title=f"Dispositif {i}")
    assert dispatch(world.db, test_clock) == 5 * schemes
    with UnitOfWork(world.db) as uow:
        conn = uow.begin_write()
        # Due long ago whatever the test clock says: the worker runs on the machine's clock.
        conn.execute(update(_t).values(next_attempt_at=LONG_AGO))
        keys = list(conn.execute(select(_t.c.key)).scalars())
        uow.commit()
    return keys


def statuses(world: World) -> Counter:
    with UnitOfWork(world.db) as uow:
        rows = uow.connection.execute(select(_t.c.status, func.count()).group_by(_t.c.status))
        return Counter({status: count for status, count in rows})


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


def received_ids(mail_server: MailServer) -> Counter:
    with mail_server.lock:
        return Counter(mail.message_id for mail in mail_server.messages)


def test_a_worker_killed_mid_batch_then_restarted_sends_each_notification_once(
    world, test_clock, mail_server, tmp_path
):
    keys = queue(world, test_clock, schemes=12)  # 60 messages
    mail_server.delay = DELAY
    worker = start_worker(world, mail_server, tmp_path, "--batch", "20", "--interval", "0.2")
    try:
        # In the middle of the second batch of twenty.
        wait_for(lambda: len(mail_server.messages) >= 27)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    before = statuses(world)
    assert before["sending"] > 0, before  # the kill left messages leased, in flight
    assert len(mail_server.messages) < len(keys)

    # The dead worker's lease (five minutes) runs out: make it so rather than wait.
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(_t).where(_t.c.status == "sending").values(lease_until=LONG_AGO)
        )
        uow.commit()
    again = start_worker(world, mail_server, tmp_path, "--once", "--batch", "20")
    assert again.wait(120) == 0

    assert statuses(world) == Counter({"sent": len(keys)})
    received = received_ids(mail_server)
    assert set(received) == {message_id(key) for key in keys}  # none missing
    repeated = [mid for mid, count in received.items() if count > 1]
    # At most the one message being handed over at the kill, with its same Message-ID.
    assert len(repeated) <= 1 and all(received[mid] == 2 for mid in repeated)


def test_two_workers_on_postgresql_never_send_the_same_message(
    world, test_clock, mail_server, tmp_path, backend
):
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED: several workers share a queue on PostgreSQL only")
    keys = queue(world, test_clock, schemes=12)
    mail_server.delay = DELAY / 2
    workers = [
        start_worker(world, mail_server, tmp_path, "--once", "--batch", "5") for _ in range(2)
    ]
    try:
        assert [w.wait(120) for w in workers] == [0, 0]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    received = received_ids(mail_server)
    assert received == Counter({message_id(key): 1 for key in keys})
    assert statuses(world) == Counter({"sent": len(keys)})
    sent = [int(p.read_text().splitlines()[-1].split()[0]) for p in tmp_path.glob("worker-*.log")]
    # Both took a share of the queue, which adds up to the whole of it.
    assert sorted(sent)[0] > 0 and sum(sent) == len(keys), sent

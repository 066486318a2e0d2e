"""`maillage meeting …` against a real database: a whole COPIL session from the command line."""

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Meeting, Scheme
from tests.integration.test_cli import _runner


@pytest.fixture
def run(db, tmp_path: Path):
    return _runner(db.url.render_as_string(hide_password=False), tmp_path)


@pytest.fixture
def session(world):
    """A secretary, three COPIL members (one from the schemes' organisation), two proposals."""
    world.add_user("secretary", ["secretary"], None)
    world.add_user("prefecture", ["copil"], world.organisation_id)
    return [world.scheme("proposed", title=f"Dispositif {i}") for i in (1, 2)]


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_a_whole_session_from_the_command_line(run, world, session):
    members = ["--member", "copil@example.mq", "--member", "copil2@example.mq"]
    out = ok(
        run(
            "meeting", "plan", "--title", "COPIL de janvier", "--at", "14/01/2027 09:00",
            "--place", "Hôtel de la CTM", "--secretary", "secretary@example.mq", *members,
            "--member", "prefecture@example.mq",
        )
    )  # fmt: skip
    assert out == "Séance COPIL-2027-01 prévue : 3 membre(s) à convoquer.\n"
    with UnitOfWork(world.db) as uow:
        meeting = uow.session.scalar(select(Meeting))
        assert meeting.starts_at.isoformat() == "2027-01-14T13:00:00+00:00"  # 9:00 in Martinique
    out = ok(run("meeting", "add", "COPIL-2027-01", "--all-proposed", "--information", "Bilan"))
    assert "1. DSP-2026-" in out and "3. Bilan (pour information)" in out
    ok(run("meeting", "convene", "copil-2027-01"))
    for email in ("copil@example.mq", "prefecture@example.mq"):
        ok(run("meeting", "attend", "COPIL-2027-01", email, "present"))
    out = ok(
        run("meeting", "attend", "COPIL-2027-01", "copil2@example.mq", "represented",
            "--proxy", "copil@example.mq")
    )  # fmt: skip
    assert out == "copil2@example.mq : représenté.\n"
    assert ok(run("meeting", "decide", "COPIL-2027-01", "1", "approve", "--votes", "2,0,0")) == (
        "Décision COPIL-2027-01/D01 : approuver.\n"
    )
    ok(run("meeting", "decide", "COPIL-2027-01", "2", "reject", "--comment", "Doublon"))
    dry = ok(run("meeting", "close", "COPIL-2027-01", "--dry-run"))
    assert dry.startswith("Quorum atteint : 3 membres présents ou représentés sur 3")
    assert "Essai : rien n'a été modifié." in dry
    out = ok(run("meeting", "close", "COPIL-2027-01"))
    assert "✓ 1. DSP-" in out and "· 3. Bilan" in out and "Séance COPIL-2027-01 clôturée." in out
    with UnitOfWork(world.db) as uow:
        states = [uow.session.get(Scheme, r.id).state for r in session]
        logged = select(AuditEvent.action).where(AuditEvent.record_type == "meeting")
        actions = list(uow.session.scalars(logged.order_by(AuditEvent.position)))
    assert states == ["approved", "rejected"]
    assert actions[0] == "create" and actions[-1] == "close", actions


def test_errors_are_one_french_line(run, world, session):
    result = run("meeting", "close", "COPIL-2099-01")
    assert result.exit_code == 1
    assert result.output.strip() == "Erreur : séance « COPIL-2099-01 » introuvable"
    result = run(
        "meeting", "plan", "--title", "X", "--at", "demain", "--secretary", "s", "--member", "m"
    )
    assert result.exit_code == 2 and "jj/mm/aaaa hh:mm" in result.output
    ok(
        run("meeting", "plan", "--title", "COPIL", "--at", "14/01/2027 09:00",
            "--secretary", "secretary@example.mq", "--member", "copil@example.mq")
    )  # fmt: skip
    result = run("meeting", "decide", "COPIL-2027-01", "1", "approve")
    assert result.exit_code == 1 and "n'a pas de point n°1" in result.output
    result = run("meeting", "close", "COPIL-2027-01")
    assert result.exit_code == 1 and "La séance est prévue" in result.output

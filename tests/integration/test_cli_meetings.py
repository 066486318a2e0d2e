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
    assert "1. DSP-" in out and "3. Bilan (pour information)" in out
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


def test_a_meetings_documents_and_its_minutes_from_the_command_line(run, world, session, tmp_path):
    members = ["--member", "copil@example.mq", "--member", "copil2@example.mq"]
    for month in ("14/01/2027", "11/02/2027"):
        ok(
            run("meeting", "plan", "--title", f"COPIL du {month}", "--at", f"{month} 09:00",
                "--secretary", "secretary@example.mq", *members)
        )  # fmt: skip
    ok(run("meeting", "add", "COPIL-2027-01", "--all-proposed"))
    agenda, sheet = tmp_path / "convocation.pdf", tmp_path / "emargement.html"
    assert "Document écrit" in ok(run("meeting", "agenda", "COPIL-2027-01", "-o", str(agenda)))
    ok(run("meeting", "attendance-sheet", "COPIL-2027-01", "-o", str(sheet)))
    assert agenda.read_bytes().startswith(b"%PDF")
    assert "Feuille d'émargement" in sheet.read_text(encoding="utf-8")
    early = run("meeting", "minutes", "COPIL-2027-01", "-o", str(tmp_path / "pv.html"))
    assert early.exit_code == 1 and "son procès-verbal s'écrit une fois tenue" in early.output
    ok(run("meeting", "convene", "COPIL-2027-01"))
    for email in ("copil@example.mq", "copil2@example.mq"):
        ok(run("meeting", "attend", "COPIL-2027-01", email, "present"))
    ok(run("meeting", "decide", "COPIL-2027-01", "1", "approve"))
    ok(run("meeting", "decide", "COPIL-2027-01", "2", "approve"))
    ok(run("meeting", "close", "COPIL-2027-01"))
    draft, pdf = tmp_path / "projet.html", tmp_path / "pv.pdf"
    ok(run("meeting", "minutes", "COPIL-2027-01", "-o", str(draft)))
    assert "Décision COPIL-2027-01/D02 : approbation." in draft.read_text(encoding="utf-8")
    text = tmp_path / "pv.txt"
    text.write_text("Procès-verbal relu par le secrétariat.\n", encoding="utf-8")
    out = ok(run("meeting", "minutes", "COPIL-2027-01", "--edit", str(text), "-o", str(pdf)))
    assert out.startswith("Procès-verbal de COPIL-2027-01 enregistré (39 caractères).")
    assert pdf.read_bytes().startswith(b"%PDF")
    planned = run("meeting", "approve-minutes", "COPIL-2027-01", "--at", "COPIL-2027-02")
    assert planned.exit_code == 1 and "convoquée ou tenue" in planned.output
    ok(run("meeting", "convene", "COPIL-2027-02"))  # the next meeting sits: it approves them
    out = ok(run("meeting", "approve-minutes", "COPIL-2027-01", "--at", "copil-2027-02"))
    assert out.startswith("Procès-verbal de COPIL-2027-01 approuvé en séance COPIL-2027-02")
    with UnitOfWork(world.db) as uow:
        meeting = uow.session.scalar(select(Meeting).where(Meeting.reference == "COPIL-2027-01"))
        assert f"SHA-256 {meeting.minutes_sha256}." in out
        assert meeting.state == "minutes_approved"
        prints = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "print"))
        assert [e.data["document"] for e in prints] == [
            "convocation",
            "attendance_sheet",
            "minutes",
            "minutes",
        ]
    again = run("meeting", "minutes", "COPIL-2027-01", "--edit", str(text))
    assert again.exit_code == 1
    assert again.output.strip() == (
        "Erreur : La séance est procès-verbal approuvé : action impossible."
    )


def test_minutes_commands_refuse_in_one_french_line(run, world, session, tmp_path):
    assert run("meeting", "minutes", "COPIL-2099-01").exit_code == 1
    missing = run("meeting", "agenda", "COPIL-2099-01", "-o", str(tmp_path / "a.pdf"))
    assert missing.output.strip() == "Erreur : Aucune séance ne porte le numéro « COPIL-2099-01 »."
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("procès".encode("latin-1"))
    ok(
        run("meeting", "plan", "--title", "COPIL", "--at", "14/01/2027 09:00",
            "--secretary", "secretary@example.mq", "--member", "copil@example.mq")
    )  # fmt: skip
    result = run("meeting", "minutes", "COPIL-2027-01", "--edit", str(bad))
    assert result.exit_code == 1 and "n'est pas un texte UTF-8" in result.output
    result = run("meeting", "approve-minutes", "COPIL-2027-01")
    assert result.exit_code == 1 and "La séance est prévue : action impossible." in result.output
    assert not (tmp_path / "a.pdf").exists()

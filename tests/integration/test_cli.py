"""The `maillage` command line against a real database (SQLite, or PostgreSQL when configured)."""

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, update

from cli.main import main
from engine.clock import local, system_clock
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import (
    AuditEvent,
    CommitteeNote,
    CrimeFigure,
    Meeting,
    MeetingItem,
    Opinion,
    Pooling,
    PoolingCandidate,
    Scheme,
    Territory,
    User,
)
from engine.models.notification import OutboxCursor
from engine.notifications.dispatch import dispatch
from engine.rules.policy import SYSTEM
from engine.services.meetings import proposed_records
from engine.services.users import add_organisation
from tests.factories import World
from web import create_app

SCHEME_STATES = {
    "draft",
    "recorded",
    "changes_requested",
    "reviewed",
    "proposed",
    "approved",
    "rejected",
    "withdrawn",
}
PASSWORD = "un mot de passe solide"

Run = Callable[..., Result]


def _environment(url: str, instance: Path) -> dict[str, str]:
    return {
        "MAILLAGE_DATABASE_URL": url,
        "MAILLAGE_INSTANCE_PATH": str(instance),
        "MAILLAGE_SECRET_KEY": "clé de test",
    }


def _runner(url: str, instance: Path) -> Run:
    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input, env=_environment(url, instance))

    return run


@pytest.fixture
def run(db: Database, tmp_path: Path) -> Run:
    """Invoke `maillage` on the test's migrated database."""
    return _runner(db.url.render_as_string(hide_password=False), tmp_path)


@pytest.fixture
def run_empty(empty_db: Database, tmp_path: Path) -> Run:
    """Invoke `maillage` on a database without any table."""
    return _runner(empty_db.url.render_as_string(hide_password=False), tmp_path)


def _count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# init


def test_init_migrates_then_is_idempotent(run_empty: Run, empty_db: Database) -> None:
    first = run_empty("init")
    assert first.exit_code == 0, first.output
    assert "Schéma migré de la révision (vide) à" in first.stdout
    assert "38 territoire(s)" in first.stdout
    territories = _count(empty_db, Territory)

    second = run_empty("init")
    assert second.exit_code == 0, second.output
    assert "Schéma déjà à jour" in second.stdout
    assert "Données de référence déjà présentes." in second.stdout
    assert _count(empty_db, Territory) == territories == 38


def test_commands_refuse_a_database_that_is_not_initialised(run_empty: Run) -> None:
    result = run_empty("user", "list")
    assert result.exit_code == 2
    assert "lancez « maillage init »" in result.stderr
    assert result.stdout == ""


# demo


@pytest.mark.slow
def test_demo_builds_every_state_and_an_audit_trail_that_verifies(run: Run, db: Database) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Données de démonstration créées" in result.stdout
    assert "maillage-demo-972" in result.stdout

    with db.session() as session:
        scheme_states = set(session.scalars(select(Scheme.state)))
        pooling_states = sorted(session.scalars(select(Pooling.state)))
        actions = set(session.scalars(select(AuditEvent.action)))
        roles = {role for user in session.scalars(select(User)) for role in user.roles}
        dual = [u for u in session.scalars(select(User)) if u.roles == {"cotech", "owner"}]
        instants = list(session.scalars(select(AuditEvent.occurred_at)))
    assert scheme_states == SCHEME_STATES
    assert _count(db, Scheme) >= 40
    assert pooling_states == ["approved", "proposed", "recorded"]
    assert {"reopen", "send_back", "request_changes", "comment", "link_pooling"} <= actions
    # The diagnostic's files of invented numbers, communes and département, are imported.
    assert "diagnostic_import" in actions and _count(db, CrimeFigure) == 204 + 6
    assert roles == {"owner", "cotech", "coordinator", "copil", "secretary", "admin"}
    assert len(dual) == 1
    with db.session() as session:
        opinions = {(o.state, o.verdict) for o in session.scalars(select(Opinion))}
        today = local(system_clock()).date()  # the test clock's day, after the demo's story
        late = [o for o in session.scalars(select(Opinion)) if o.overdue(today)]
        notes = _count(db, CommitteeNote)
    assert opinions == {("answered", "favourable"), ("answered", "reserved"), ("requested", None)}
    assert len(late) == 1 and notes == 2
    assert all(instant.year in (2025, 2026) for instant in instants)
    assert all(time(7, 30) <= local(instant).time() <= time(17) for instant in instants)
    assert all(local(instant).weekday() < 5 for instant in instants)

    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "Journal intègre" in verified.stdout
    replayed = run("audit", "replay")
    assert replayed.exit_code == 0, replayed.output
    # 41 schemes + 3 poolings, 4 meetings and 3 objectives
    assert "Rejeu conforme : 51 dossier(s)" in replayed.stdout
    # The demo's invented history is not news: a first worker mails none of it.
    with UnitOfWork(db) as uow:
        conn = uow.connection
        cursors = dict(conn.execute(select(OutboxCursor.name, OutboxCursor.position)).all())
        head = conn.execute(select(func.max(AuditEvent.position))).scalar_one()
        # The pooling candidates are computed too, their own cursor at the same head.
        assert cursors == {"audit": head, "candidates": head}
        assert conn.execute(select(func.count(PoolingCandidate.id))).scalar_one() > 0
    assert dispatch(db, system_clock) == 0


@pytest.mark.slow
def test_demo_decides_in_meetings_and_plans_the_next_one(run: Run, db: Database) -> None:
    assert run("demo").exit_code == 0
    with db.session() as session:
        meetings = list(session.scalars(select(Meeting).order_by(Meeting.starts_at)))
        approved = list(session.scalars(select(Scheme).where(Scheme.state == "approved")))
        decided = {
            i.decision_number: i.outcome
            for i in session.scalars(select(MeetingItem))
            if i.decision_number
        }
        held, planned = meetings[:-1], meetings[-1]
        assert {m.state for m in held} == {"held"}  # their minutes still to approve
        assert planned.state == "planned" and planned.items
        assert all(i.decision_number is None for i in planned.items)
        assert all(i.record_version is not None for i in planned.items)
        # Every COPIL decision of the demo has a number of a meeting, and no other kind.
        assert all(s.decision_reference in decided for s in approved)
        assert {"approve", "send_back", "reject"} <= set(decided.values())
        secretary = session.scalars(select(User).where(User.email.like("corinne.%"))).one()
        assert secretary.roles == {"secretary"}
        assert all(m.secretary_id == secretary.id for m in meetings)
    # The secretary still has proposed records to put on an agenda.
    with UnitOfWork(db) as uow:
        assert len(proposed_records(uow)) == 2


@pytest.mark.slow
def test_demo_runs_once_then_only_prints_the_credentials(run: Run, db: Database) -> None:
    assert run("demo").exit_code == 0
    events = _count(db, AuditEvent)

    again = run("demo")
    assert again.exit_code == 0, again.output
    assert "déjà des dispositifs" in again.stdout
    assert "sylvie.rosette@maillage.example" in again.stdout
    assert _count(db, AuditEvent) == events


# users


def test_user_add_reads_the_password_from_stdin(run: Run, db: Database) -> None:
    with UnitOfWork(db) as uow:
        add_organisation(uow, SYSTEM, "Ville de Fort-de-France", "commune", siren="219722097")
    result = run(
        "user", "add", "Anne.Marie@Example.MQ", "--name", "Anne Marie",
        "--role", "owner", "--role", "cotech", "--organisation", "219722097",
        "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compte créé : anne.marie@example.mq" in result.stdout

    listed = run("user", "list")
    assert listed.exit_code == 0, listed.output
    line = next(line for line in listed.stdout.splitlines() if "anne.marie@example.mq" in line)
    assert "Porteur de dispositif" in line
    assert "Membre du COTECH" in line
    assert "Ville de Fort-de-France" in line


def test_user_add_refuses_a_short_password_in_french(run: Run, db: Database) -> None:
    result = run(
        "user", "add", "court@example.mq", "--name", "Court", "--role", "admin",
        "--password-stdin", input="trop court\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "mot de passe : Le mot de passe doit compter au moins 12 caractères." in result.stderr
    assert _count(db, User) == 0


def test_user_add_names_each_invalid_field(run: Run) -> None:
    result = run(
        "user", "add", "pas-une-adresse", "--name", " ", "--role", "chef",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "adresse électronique : Adresse électronique invalide." in result.stderr
    assert "nom : Ce champ est obligatoire." in result.stderr
    assert "rôles : Rôle(s) attendu(s) parmi" in result.stderr


def test_user_add_prompts_twice_and_refuses_different_entries(run: Run, db: Database) -> None:
    different = run(
        "user", "add", "a@example.mq", "--name", "A", "--role", "admin",
        input=f"{PASSWORD}\n{PASSWORD}!\n",
    )  # fmt: skip
    assert different.exit_code == 1
    assert "les deux saisies du mot de passe diffèrent" in different.stderr
    assert PASSWORD not in different.output

    same = run(
        "user", "add", "a@example.mq", "--name", "A", "--role", "admin",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert same.exit_code == 0, same.output
    assert _count(db, User) == 1


def test_user_add_refuses_an_unknown_organisation(run: Run) -> None:
    result = run(
        "user", "add", "b@example.mq", "--name", "B", "--role", "owner",
        "--organisation", "Ville inconnue", "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "structure inconnue : « Ville inconnue »" in result.stderr


def test_user_list_says_when_there_is_nobody(run: Run) -> None:
    result = run("user", "list")
    assert result.exit_code == 0, result.output
    assert "Aucun compte" in result.stdout


# audit


def _add_user(run: Run, email: str) -> None:
    result = run(
        "user", "add", email, "--name", "Agent", "--role", "admin", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_checkpoint_appended_to_a_file_then_verified(run: Run, tmp_path: Path, test_clock) -> None:
    _add_user(run, "premier@example.mq")
    kept = tmp_path / "ailleurs" / "points.txt"
    kept.parent.mkdir()
    first = run("audit", "checkpoint", "--append", str(kept))
    assert first.exit_code == 0, first.output
    _add_user(run, "second@example.mq")
    second = run("audit", "checkpoint", "--append", str(kept))
    assert second.exit_code == 0, second.output

    lines = kept.read_text(encoding="utf-8").splitlines()
    assert [line.split(" at=")[0] for line in lines] == [
        first.stdout.split(" at=")[0],
        second.stdout.split(" at=")[0],
    ]
    assert lines[1].startswith("position=2 hash=")
    at = datetime.strptime(lines[1].split(" at=")[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert at == test_clock.now.replace(microsecond=0)

    verified = run("audit", "verify", "--checkpoint", str(kept))
    assert verified.exit_code == 0, verified.output
    assert "Journal intègre : 2 événements vérifiés." in verified.stdout
    assert "Point de contrôle confirmé : position=2" in verified.stdout


def test_verify_fails_on_a_checkpoint_the_log_does_not_match(run: Run) -> None:
    _add_user(run, "premier@example.mq")
    literal = f"position=1 hash={'a' * 64}"
    result = run("audit", "verify", "--checkpoint", literal)
    assert result.exit_code == 1
    assert "L'événement n°1 ne correspond pas au point de contrôle." in result.stderr

    ahead = run("audit", "verify", "--checkpoint", f"position=5 hash={'b' * 64}")
    assert ahead.exit_code == 1
    assert "Journal tronqué" in ahead.stderr


def test_verify_refuses_an_unreadable_checkpoint(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "vide.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert run("audit", "verify", "--checkpoint", str(empty)).exit_code == 2
    garbled = run("audit", "verify", "--checkpoint", "position=x hash=y")
    assert garbled.exit_code == 2
    assert "point de contrôle illisible" in garbled.stderr
    missing = run("audit", "verify", "--checkpoint", str(tmp_path / "absent.txt"))
    assert missing.exit_code == 2


def test_checkpoint_of_an_empty_log(run: Run) -> None:
    result = run("audit", "checkpoint")
    assert result.exit_code == 1
    assert "journal est vide" in result.stderr


@pytest.mark.sqlite
def test_verify_names_the_first_altered_event(run: Run, db: Database) -> None:
    _add_user(run, "premier@example.mq")
    _add_user(run, "second@example.mq")
    with db.engine.begin() as conn:
        # Only possible on SQLite: on PostgreSQL a trigger keeps the table append-only.
        conn.execute(
            update(AuditEvent).where(AuditEvent.position == 1).values(actor_label="quelqu'un")
        )
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "L'événement n°1 a été modifié" in result.stderr


def test_replay_lists_a_record_whose_state_the_log_does_not_explain(run: Run, db: Database) -> None:
    world = World.build(db)
    reviewed = world.scheme("reviewed", title="Examiné")
    world.scheme("recorded", title="Enregistré")
    assert run("audit", "replay").exit_code == 0

    with db.engine.begin() as conn:
        conn.execute(update(Scheme).where(Scheme.id == reviewed.id).values(state="proposed"))
    result = run("audit", "replay")
    assert result.exit_code == 1
    assert "1 écart(s) sur 2 dossier(s)" in result.stderr
    assert "le journal mène à « reviewed », la base indique « proposed »" in result.stderr


# the real entry point, as an operator runs it


def _maillage(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "maillage"
    assert script.exists(), "the package is not installed: run `make test`"
    env = {**os.environ, **_environment(url, tmp_path)}
    return subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _one_clear_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Erreur : ")
    return lines[0]


def test_unreachable_postgresql_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/x"
    line = _one_clear_line(_maillage(url, tmp_path, "audit", "verify"))
    assert "Impossible de joindre la base de données" in line
    line = _one_clear_line(_maillage(url, tmp_path, "init"))
    assert "Impossible de joindre la base de données" in line


def test_unmigrated_sqlite_file_asks_for_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vide.db'}"
    line = _one_clear_line(_maillage(url, tmp_path, "user", "list"))
    assert "« maillage init »" in line


def test_malformed_url_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    line = _one_clear_line(_maillage("ceci n'est pas une adresse", tmp_path, "audit", "replay"))
    assert "Adresse de base de données invalide" in line


# settings and the application `maillage serve` runs


def test_settings_default_to_the_instance_folder(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    settings = Settings.from_env({"MAILLAGE_INSTANCE_PATH": str(instance)})
    assert settings.instance_path == instance.resolve()
    assert settings.database_url == f"sqlite:///{instance.resolve() / 'maillage.db'}"
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(settings.secret_key) == 64
    assert Settings.from_env({"MAILLAGE_INSTANCE_PATH": str(instance)}) == settings


def test_settings_prefer_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "MAILLAGE_INSTANCE_PATH": str(tmp_path),
            "MAILLAGE_DATABASE_URL": "postgresql+psycopg://maillage@db/maillage",
            "MAILLAGE_SECRET_KEY": "clé",
        }
    )
    assert settings.database_url == "postgresql+psycopg://maillage@db/maillage"
    assert settings.secret_key == "clé"
    assert not (tmp_path / "secret_key").exists()


def test_app_serves_the_home_page_and_health(db: Database, tmp_path: Path) -> None:
    World.build(db)
    settings = Settings(tmp_path, db.url.render_as_string(hide_password=False), "clé")
    app = create_app(settings)
    try:
        client = app.test_client()
        assert client.get("/health").get_json() == {"status": "ok"}
        page = client.get("/", follow_redirects=True)
        assert page.status_code == 200
        assert page.request.path == "/connexion"
        assert "Mot de passe" in page.get_data(as_text=True)
    finally:
        app.extensions["maillage.db"].dispose()

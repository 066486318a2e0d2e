"""`maillage token create|list|revoke` on a real database."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from engine.db.uow import UnitOfWork
from engine.models import ApiToken, AuditEvent
from engine.services.tokens import user_for_token
from tests.factories import World
from tests.integration.test_cli import _environment


@pytest.fixture
def run(world: World, tmp_path: Path):
    """Invoke `maillage` on the world's database."""
    env = _environment(world.db.url.render_as_string(hide_password=False), tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


def test_a_token_is_created_shown_once_listed_and_revoked(world: World, run) -> None:
    created = run("token", "create", "COPIL@example.mq", "--name", "tableur")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("mlg_")
    assert "ne sera plus jamais affiché" in created.stderr
    with UnitOfWork(world.db) as uow:
        assert user_for_token(uow.session, secret).email == "copil@example.mq"
        token = uow.session.query(ApiToken).filter_by(name="tableur").one()
        event = uow.session.query(AuditEvent).filter_by(action="token_create").all()[-1]
    assert event.actor_id is None and event.actor_label.startswith("ligne de commande")

    listed = run("token", "list", "copil@example.mq")
    assert listed.exit_code == 0
    assert "tableur" in listed.stdout and secret[:12] in listed.stdout
    assert secret not in listed.stdout

    revoked = run("token", "revoke", str(token.id))
    assert revoked.exit_code == 0 and f"Jeton n°{token.id} révoqué." in revoked.stdout
    with UnitOfWork(world.db) as uow:
        assert user_for_token(uow.session, secret) is None
        assert uow.session.query(AuditEvent).filter_by(action="token_revoke").count() == 1


def test_token_commands_refuse_unknown_accounts_and_tokens(run) -> None:
    unknown = run("token", "create", "personne@example.mq")
    assert unknown.exit_code == 1 and "aucun compte" in unknown.stderr
    assert run("token", "list", "personne@example.mq").exit_code == 1
    missing = run("token", "revoke", "999999")
    assert missing.exit_code == 1 and "aucun jeton n°999999" in missing.stderr
    empty = run("token", "create", "copil@example.mq", "--name", " ")
    assert empty.exit_code == 1 and "nom" in empty.stderr


def test_list_without_an_account_shows_every_token(world: World, run) -> None:
    assert "Aucun jeton" in run("token", "list").stdout
    run("token", "create", "owner@example.mq")
    run("token", "create", "cotech@example.mq")
    listed = run("token", "list").stdout
    assert "owner@example.mq" in listed and "cotech@example.mq" in listed

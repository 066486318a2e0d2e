"""What every command shares: the settings, an open database, and how to fail."""

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import head_revision
from engine.errors import DatabaseNotReady, InvalidInput
from engine.rules.policy import Actor

# Exit codes: 1 for a refused request or a failed check, 2 for a database or set-up problem.
SETUP_FAILURE = 2

FIELD_LABELS = {
    "email": "adresse électronique",
    "name": "nom",
    "roles": "rôles",
    "organisation": "structure",
    "password": "mot de passe",
    "kind": "type",
    "siren": "SIREN",
    "siret": "SIRET",
}


@contextmanager
def open_database(*, ready: bool = True) -> Iterator[Database]:
    """Yield the configured database, checked to be migrated to head unless `ready` is False."""
    database = Database(Settings.from_env().database_url)
    try:
        if ready:
            database.check_ready(head_revision())
        else:
            _ensure_reachable(database)
        yield database
    finally:
        database.dispose()


def _ensure_reachable(database: Database) -> None:
    try:
        with database.engine.connect():
            pass
    except OperationalError as exc:
        raise DatabaseNotReady(
            f"Impossible de joindre la base de données {database.url.render_as_string()} : "
            + first_line(exc)
        ) from exc


def first_line(exc: DBAPIError) -> str:
    """Return the first line of the driver's message, without SQLAlchemy's long suffix."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and leave with `code`."""
    click.echo(f"Erreur : {message}", err=True)
    raise click.exceptions.Exit(code)


def report_invalid(exc: InvalidInput) -> NoReturn:
    """Print each field's errors in French and leave with code 1."""
    click.echo(f"Erreur : {exc.message}", err=True)
    for field, messages in exc.errors.items():
        label = FIELD_LABELS.get(field, field)
        for message in messages:
            click.echo(f"  {label} : {message}", err=True)
    raise click.exceptions.Exit(1)


def cli_actor() -> Actor:
    """The operator at the command line: acts as an administrator, named in the audit log."""
    return Actor(None, f"ligne de commande ({getpass.getuser()})", frozenset({"admin"}))

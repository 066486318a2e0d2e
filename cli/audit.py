"""`maillage audit verify|checkpoint|replay`: prove the audit log is intact and consistent."""

from itertools import groupby
from pathlib import Path

import click
from sqlalchemy import Connection, select

from cli.context import fail, open_database
from engine.clock import system_clock
from engine.models import AuditEvent
from engine.records import audit as chain
from engine.records.registry import RECORD_TYPES
from engine.rules.workflow import default_registry

CHECK_FAILED = 1
BAD_USAGE = 2


@click.group()
def audit() -> None:
    """Vérifier le journal d'audit."""


@audit.command()
@click.option(
    "--checkpoint",
    "checkpoint_source",
    metavar="FICHIER_OU_LIGNE",
    help="Point de contrôle attendu : un fichier (sa dernière ligne) ou « position=N hash=H ».",
)
def verify(checkpoint_source: str | None) -> None:
    """Vérifier la chaîne d'empreintes du journal, depuis le premier événement."""
    expected = _read_checkpoint(checkpoint_source) if checkpoint_source else None
    with open_database() as database, database.engine.connect() as conn:
        result = chain.verify(conn, expected)
    if not result.ok:
        fail(result.message, CHECK_FAILED)
    click.echo(result.message)
    if expected is not None:
        click.echo(f"Point de contrôle confirmé : {expected}.")


def _read_checkpoint(source: str) -> chain.Checkpoint:
    path = Path(source)
    if "=" not in source or path.is_file():
        try:
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except OSError as exc:
            fail(f"point de contrôle illisible : {source} ({exc.strerror}).", BAD_USAGE)
        if not lines:
            fail(f"le fichier {source} ne contient aucun point de contrôle.", BAD_USAGE)
        source = lines[-1]
    try:
        return chain.Checkpoint.parse(source)
    except ValueError as exc:
        fail(str(exc), BAD_USAGE)


@audit.command()
@click.option(
    "--append",
    "append_to",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FICHIER",
    help="Ajouter aussi la ligne à ce fichier, conservé hors de la base.",
)
def checkpoint(append_to: str | None) -> None:
    """Afficher la tête du journal (position, empreinte, heure UTC) pour la conserver ailleurs."""
    with open_database() as database, database.engine.connect() as conn:
        head = chain.checkpoint(conn)
    if head is None:
        fail("le journal est vide : aucun point de contrôle à prendre.", CHECK_FAILED)
    line = f"{head} at={system_clock().strftime('%Y-%m-%dT%H:%M:%SZ')}"
    click.echo(line)
    if append_to:
        with open(append_to, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


@audit.command()
def replay() -> None:
    """Rejouer les transitions de chaque dossier et comparer avec son état actuel."""
    with open_database() as database, database.engine.connect() as conn:
        checked, mismatches = 0, []
        for rtype in RECORD_TYPES.values():
            for reference, problem in _replay_type(conn, rtype):
                checked += 1
                if problem:
                    mismatches.append(f"{reference} : {problem}")
    if mismatches:
        click.echo(f"{len(mismatches)} écart(s) sur {checked} dossier(s) :", err=True)
        for line in mismatches:
            click.echo(f"  {line}", err=True)
        raise click.exceptions.Exit(CHECK_FAILED)
    click.echo(f"Rejeu conforme : {checked} dossier(s), chacun à l'état que son journal donne.")


def _replay_type(conn: Connection, rtype):
    """Yield (reference, problem or None) for every record of one type, streaming its events."""
    t, events = rtype.table, AuditEvent.__table__
    records = {
        r.id: r
        for r in conn.execute(
            select(t.c.id, t.c.reference, t.c.state, t.c.workflow_name, t.c.workflow_version)
        )
    }
    stmt = (
        select(events.c.record_id, events.c.position, events.c.from_state, events.c.to_state)
        .where(events.c.record_type == rtype.name, events.c.to_state.is_not(None))
        .order_by(events.c.record_id, events.c.position)
        .execution_options(yield_per=2000)
    )
    for record_id, rows in groupby(conn.execute(stmt), lambda row: row.record_id):
        record = records.pop(record_id, None)
        if record is None:
            yield f"{rtype.name} n°{record_id}", "des événements visent un dossier inexistant"
        else:
            yield record.reference, _problem(record, rows)
    for record in records.values():
        yield record.reference, _problem(record, [])


def _problem(record, events) -> str | None:
    initial = default_registry().get(record.workflow_name, record.workflow_version).initial
    state, problem = chain.replay(initial, events)
    if problem is None and state != record.state:
        return f"le journal mène à « {state} », la base indique « {record.state} »"
    return problem

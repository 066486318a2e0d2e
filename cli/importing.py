"""`maillage import FILE`: a census spreadsheet read, reported row by row, its drafts written."""

from pathlib import Path

import click

from cli.context import cli_actor, fail, open_database
from engine.db.uow import UnitOfWork
from engine.importing.reader import UnreadableFile
from engine.services.imports import ImportRejected, plan_import, run_import

# Exit codes: 1 when rows are in error (or a strict import refused), 2 for a file not read.
ROWS_IN_ERROR = 1
UNREADABLE = 2


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--organisation", help="Rattacher toutes les lignes à cette structure (nom ou SIREN)."
)
@click.option("--sheet", help="Feuille du classeur à lire (par défaut : la première).")
@click.option(
    "--dry-run", is_flag=True, help="Simuler : montrer ce qui serait créé, sans rien écrire."
)
@click.option("--strict", is_flag=True, help="Ne rien importer si une seule ligne est en erreur.")
def import_(file: Path, organisation: str | None, sheet: str | None, dry_run: bool, strict: bool):
    """Importer un recensement (XLSX ou CSV) : chaque ligne valide devient un brouillon."""
    step = plan_import if dry_run else run_import
    options = {"organisation": organisation, "sheet": sheet} | (
        {} if dry_run else {"strict": strict}
    )
    with open_database() as database, UnitOfWork(database) as uow:
        try:
            report = step(uow, cli_actor(), file, file.name, **options)
        except UnreadableFile as exc:
            fail(f"{file.name} : {exc.message}", UNREADABLE)
        except ImportRejected as exc:
            click.echo(exc.report.as_text())
            fail(exc.message, ROWS_IN_ERROR)
    click.echo(report.as_text())
    if report.counts["error"]:
        raise click.exceptions.Exit(ROWS_IN_ERROR)

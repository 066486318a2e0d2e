"""`maillage diagnostic import FILE`: the SSMSI's recorded crime for Martinique, checked whole."""

from pathlib import Path

import click

from cli.context import cli_actor, fail, open_database
from engine.db.uow import UnitOfWork
from engine.services.diagnostic import DiagnosticRejected, import_diagnostic, preview_diagnostic

# Exit code of a refused file (nothing written), as `maillage import`'s rows in error.
REFUSED = 1


@click.group()
def diagnostic():
    """Diagnostic de la délinquance : statistiques du SSMSI par commune."""


@diagnostic.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier et dire ce qui serait importé.")
def import_(file: Path, dry_run: bool):
    """Importer une base communale ou départementale du SSMSI (CSV, séparateur ;).

    Seules les lignes de la Martinique sont gardées ; les années du fichier remplacent celles
    déjà importées au même niveau. Au moindre défaut, rien n'est écrit.
    """
    step = preview_diagnostic if dry_run else import_diagnostic
    with open_database() as database, UnitOfWork(database) as uow:
        try:
            result = step(uow, cli_actor(), file.read_bytes(), file.name)
        except DiagnosticRejected as exc:
            for error in exc.file.refusal:
                click.echo(error, err=True)
            fail(exc.message, REFUSED)
    click.echo(result.as_text())

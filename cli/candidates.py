"""`maillage candidates recompute [--all]`: score the pooling candidates again."""

import click

from cli.context import open_database
from engine.candidates.store import recompute
from engine.clock import system_clock


@click.group()
def candidates() -> None:
    """Pistes de mutualisation : les paires et groupes de dispositifs qui se recouvrent."""


@candidates.command("recompute")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Tout recalculer, et pas seulement les dispositifs modifiés depuis le dernier calcul.",
)
def recompute_command(everything: bool) -> None:
    """Recalculer les pistes des dispositifs modifiés (toutes la première fois, ou avec --all)."""
    with open_database() as database:
        done = recompute(database, system_clock, everything=everything)
    if done is None:
        click.echo("Aucun dispositif modifié depuis le dernier calcul.")
        return
    click.echo(
        f"{done.schemes} dispositif(s) évalué(s) : {done.pairs} paire(s) "
        f"et {done.groups} groupe(s) de pistes enregistrés."
    )

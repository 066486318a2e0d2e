"""`maillage init` and `maillage demo`: bring a database to head, load reference data."""

from dataclasses import dataclass

import click
from alembic.util import CommandError

from cli.context import open_database
from cli.tables import render
from demo.builder import DEMO_PASSWORD, build_demo, demo_accounts
from engine.db.database import Database
from engine.db.migrate import current_revision, head_revision, upgrade
from engine.db.uow import UnitOfWork
from engine.errors import DatabaseNotReady
from engine.models import ROLES
from engine.records.reference import load_reference
from engine.rules.workflow import default_registry


@dataclass(frozen=True)
class Initialisation:
    before: str | None
    after: str
    added: dict[str, int]


def initialise(database: Database) -> Initialisation:
    """Migrate the database to head, then add the reference data it lacks."""
    before = current_revision(database)
    try:
        upgrade(database)
    except CommandError as exc:
        # Typically a database migrated by a newer Maillage: its revision is unknown here.
        raise DatabaseNotReady(f"migration impossible : {exc}") from exc
    with UnitOfWork(database) as uow:
        uow.begin_write()
        added = load_reference(uow.session)
        uow.commit()
    return Initialisation(before, head_revision(), added)


def _report(database: Database, result: Initialisation) -> None:
    click.echo(f"Base de données : {database.url.render_as_string()}")
    if result.before == result.after:
        click.echo(f"Schéma déjà à jour (révision {result.after}).")
    else:
        click.echo(f"Schéma migré de la révision {result.before or '(vide)'} à {result.after}.")
    territories, terms = result.added["territories"], result.added["terms"]
    if territories or terms:
        click.echo(
            f"Données de référence ajoutées : {territories} territoire(s), "
            f"{terms} terme(s) de vocabulaire."
        )
    else:
        click.echo("Données de référence déjà présentes.")


@click.command()
def init() -> None:
    """Créer ou mettre à jour la base et charger les données de référence (relançable)."""
    with open_database(ready=False) as database:
        _report(database, initialise(database))


@click.command()
def demo() -> None:
    """Initialiser la base puis la remplir de données de démonstration (une seule fois)."""
    with open_database(ready=False) as database:
        _report(database, initialise(database))
        report = build_demo(database)
    if report.created:
        click.echo("Données de démonstration créées :")
    else:
        click.echo("La base contient déjà des dispositifs : données de démonstration inchangées.")
    click.echo(f"  dispositifs : {_counts('scheme', report.schemes)}")
    click.echo(f"  mutualisations : {_counts('pooling', report.poolings)}")
    click.echo("")
    click.echo(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
    rows = [
        (email, ", ".join(ROLES[r] for r in roles), organisation or "—", DEMO_PASSWORD)
        for email, roles, organisation in demo_accounts()
    ]
    click.echo(render(("courriel", "rôles", "structure", "mot de passe"), rows))


def _counts(workflow_name: str, states: dict[str, int]) -> str:
    workflow = default_registry().current(workflow_name)
    found = [
        (state.label, states[name]) for name, state in workflow.states.items() if name in states
    ]
    return ", ".join(f"{n} {label}" for label, n in found) or "aucun"

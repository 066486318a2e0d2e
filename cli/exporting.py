"""`maillage export`: the inventory, whole or filtered, as CSV, XLSX, JSON or open data."""

from datetime import datetime
from pathlib import Path

import click

from cli.context import cli_actor, open_database
from cli.users import _organisation_id
from engine.clock import MARTINIQUE
from engine.db.uow import UnitOfWork
from engine.queries.inventory import parse_filter
from engine.services.exports import FORMATS, export_inventory


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="csv (Excel), xlsx, json, ou dispositif-aide (données ouvertes, schéma national).",
)
@click.option("--state", "states", multiple=True, help="État, répétable (ex. approved).")
@click.option("--theme", "themes", multiple=True, help="Code de thématique, répétable.")
@click.option("--public", "publics", multiple=True, help="Code de public, répétable.")
@click.option("--aid-type", "aid_types", multiple=True, help="Code de nature d'aide, répétable.")
@click.option("--territory", help="Territoire couvert, code COG (COM-97209, EPCI-…, DEP-972).")
@click.option("--organisation", help="Porteur : nom exact ou SIREN.")
@click.option("--q", help="Texte recherché (intitulé, résumé, description, porteur).")
@click.option(
    "--updated-since", help="Modifiés depuis (ISO 8601 ; sans fuseau : heure de Martinique)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="Fichier à écrire.",
)
def export(fmt: str, organisation: str | None, output: Path, **raw) -> None:
    """Exporter l'inventaire des dispositifs (par défaut, pour dispositif-aide : les approuvés)."""
    raw = {name: value for name, value in raw.items() if value not in (None, ())}
    if "updated_since" in raw:
        raw["updated_since"] = _martinique_time(raw["updated_since"])
    with open_database() as database, UnitOfWork(database) as uow:
        if organisation:
            raw["organisation_id"] = _organisation_id(uow.session, organisation)
        filters = parse_filter(uow.session, raw, uow.workflows)
        count = _write(uow, fmt, filters, output)
    click.echo(f"{count} dispositif(s) exporté(s) vers {output}")


def _write(uow: UnitOfWork, fmt: str, filters, output: Path) -> int:
    """Export to `output`; a failed export leaves no file behind."""
    try:
        with output.open("wb") as out:
            return export_inventory(uow, cli_actor(), fmt, filters, out, on_skip=_report_skip)
    except BaseException:
        output.unlink(missing_ok=True)
        raise


def _report_skip(reference: str, reason: str) -> None:
    click.echo(f"Écarté : {reference} ({reason}).", err=True)


def _martinique_time(value: str) -> str:
    """Read a moment without a time zone as Martinique time; leave anything else to the filter."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=MARTINIQUE)).isoformat()

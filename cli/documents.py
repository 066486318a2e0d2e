"""`maillage case-file` and `maillage copil agenda|decisions`: write printable documents."""

from datetime import date, datetime
from pathlib import Path

import click

from cli.context import cli_actor, fail, open_database
from engine.clock import local, system_clock
from engine.db.uow import UnitOfWork
from engine.documents import (
    Document,
    case_file_document,
    copil_agenda_document,
    copil_decisions_document,
)
from engine.errors import NotFound
from engine.services.documents import issue_document

EXTENSIONS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


class FrenchDate(click.ParamType):
    """A date written jj/mm/aaaa."""

    name = "jj/mm/aaaa"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            self.fail(f"date invalide « {value} » : écrivez-la jj/mm/aaaa (ex. 09/12/2025)")


OUTPUT = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire : .html ou .pdf (le format suit l'extension).",
)


def _format(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        fail(f"extension « {path.suffix or '(aucune)'} » inconnue : choisissez .html ou .pdf")
    return fmt


def _deliver(build, output: Path) -> None:
    """Build the document in a read, issue it (audited) and write it to `output`."""
    fmt, actor = _format(output), cli_actor()
    with open_database() as database, UnitOfWork(database) as uow:
        try:
            document: Document = build(uow, actor)
        except NotFound as exc:
            fail(exc.message)
        content = issue_document(uow, actor, document, fmt)
    try:
        output.write_bytes(content)
    except OSError as exc:
        fail(f"impossible d'écrire {output} : {exc.strerror}")
    click.echo(f"Document écrit : {output} ({fmt.upper()}, {len(content)} octets).")


@click.command("case-file")
@click.argument("reference")
@OUTPUT
def case_file(reference: str, output: Path) -> None:
    """Écrire le dossier complet d'un dispositif ou d'une mutualisation (ex. DSP-2026-0042)."""
    _deliver(lambda uow, actor: case_file_document(uow, actor, reference), output)


@click.group()
def copil() -> None:
    """Documents du COPIL : ordre du jour et relevé de décisions."""


@copil.command("agenda")
@click.option(
    "--date",
    "day",
    type=FrenchDate(),
    default=None,
    help="Date imprimée sur la couverture (par défaut : aujourd'hui).",
)
@OUTPUT
def agenda(day: date | None, output: Path) -> None:
    """Écrire l'ordre du jour : les dispositifs et mutualisations proposés au COPIL."""
    day = day or local(system_clock()).date()
    _deliver(lambda uow, actor: copil_agenda_document(uow, actor, day), output)


@copil.command("decisions")
@click.option("--since", type=FrenchDate(), default=None, help="Début (par défaut : J-60).")
@click.option("--until", type=FrenchDate(), default=None, help="Fin (par défaut : aujourd'hui).")
@OUTPUT
def decisions(since: date | None, until: date | None, output: Path) -> None:
    """Écrire le relevé des décisions du COPIL (approbations, rejets, renvois) sur une période."""
    if since and until and since > until:
        fail("la date de début (--since) suit la date de fin (--until)")
    _deliver(lambda uow, actor: copil_decisions_document(uow, actor, since, until), output)

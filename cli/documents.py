"""Printable documents: `maillage case-file`, `maillage copil agenda|decisions`, and a meeting's
`maillage meeting agenda|attendance-sheet|minutes` (added to the meeting group by cli/meetings.py).
"""

from datetime import date, datetime
from pathlib import Path

import click

from cli.context import cli_actor, fail, open_database
from engine.clock import local, system_clock
from engine.db.uow import UnitOfWork
from engine.documents import (
    Document,
    attendance_sheet_document,
    case_file_document,
    convocation_document,
    copil_decisions_document,
    copil_meeting_on,
    find_meeting,
    minutes_document,
)
from engine.errors import Conflict, NotFound
from engine.models import Meeting
from engine.services.documents import issue_document
from engine.services.meetings import edit_minutes

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
        except (NotFound, Conflict) as exc:
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
    help="La séance du COPIL de ce jour, ou la suivante (par défaut : aujourd'hui).",
)
@OUTPUT
def agenda(day: date | None, output: Path) -> None:
    """Écrire la convocation et l'ordre du jour de la séance du COPIL du jour, ou de la suivante."""
    day = day or local(system_clock()).date()
    _deliver(
        lambda uow, actor: convocation_document(uow, actor, copil_meeting_on(uow, day)), output
    )


@copil.command("decisions")
@click.option("--since", type=FrenchDate(), default=None, help="Début (par défaut : J-60).")
@click.option("--until", type=FrenchDate(), default=None, help="Fin (par défaut : aujourd'hui).")
@OUTPUT
def decisions(since: date | None, until: date | None, output: Path) -> None:
    """Écrire le relevé des décisions du COPIL (approbations, rejets, renvois) sur une période."""
    if since and until and since > until:
        fail("la date de début (--since) suit la date de fin (--until)")
    _deliver(lambda uow, actor: copil_decisions_document(uow, actor, since, until), output)


# A meeting's documents, named by its number (COPIL-2027-01).


@click.command("agenda")
@click.argument("number")
@OUTPUT
def meeting_agenda(number: str, output: Path) -> None:
    """Écrire la convocation d'une séance : membres convoqués, date, lieu, ordre du jour."""
    _deliver(lambda uow, actor: convocation_document(uow, actor, find_meeting(uow, number)), output)


@click.command("attendance-sheet")
@click.argument("number")
@OUTPUT
def attendance_sheet(number: str, output: Path) -> None:
    """Écrire la feuille d'émargement : chaque membre, sa structure, une case pour signer."""
    _deliver(
        lambda uow, actor: attendance_sheet_document(uow, actor, find_meeting(uow, number)), output
    )


@click.command("minutes")
@click.argument("number")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire : .html ou .pdf (le format suit l'extension).",
)
@click.option(
    "--edit",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Remplacer le texte du procès-verbal par celui de ce fichier (UTF-8).",
)
def minutes(number: str, output: Path | None, source: Path | None) -> None:
    """Écrire le procès-verbal d'une séance tenue ; avec --edit, en remplacer d'abord le texte."""
    if output is None and source is None:
        fail("rien à faire : donnez -o FICHIER, --edit FICHIER, ou les deux")
    if output is not None:
        _format(output)
    if source is not None:
        _edit(number, _read_text(source))
    if output is not None:
        _deliver(lambda uow, actor: minutes_document(uow, actor, find_meeting(uow, number)), output)


def _read_text(source: Path) -> str:
    try:
        return source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{source} n'est pas un texte UTF-8")
    except OSError as exc:
        fail(f"impossible de lire {source} : {exc.strerror}")


def _edit(number: str, text: str) -> None:
    with open_database() as database:
        with UnitOfWork(database) as uow:
            try:
                meeting_id = find_meeting(uow, number)
            except NotFound as exc:
                fail(exc.message)
            version = uow.session.get(Meeting, meeting_id).version
        with UnitOfWork(database) as uow:
            try:
                edited = edit_minutes(uow, cli_actor(), meeting_id, text, version)
            except Conflict as exc:
                fail(exc.message)
            reference, length = edited.reference, len(edited.minutes)
    click.echo(f"Procès-verbal de {reference} enregistré ({length} caractères).")


MEETING_DOCUMENTS = (meeting_agenda, attendance_sheet, minutes)

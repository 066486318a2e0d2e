"""Importing the SSMSI's recorded crime: checked whole, then written in one audited transaction.

A file's years replace what was stored for those years at that level (communes or the
département): a re-import of a year is atomic — the old figures go and the new ones come in
the same transaction as the audit event naming the file, its SHA-256 and its counts.
"""

from dataclasses import dataclass

from marshmallow import ValidationError, fields, validate
from sqlalchemy import delete, func, insert, select

from engine.db.uow import UnitOfWork
from engine.diagnostic.indicators import indicator_names
from engine.diagnostic.ssmsi import SsmsiFile, read_ssmsi
from engine.errors import InvalidInput, MaillageError, NotPermitted, Reason
from engine.french.messages import french
from engine.models import CrimeFigure, DiagnosticNote, Territory
from engine.records import audit
from engine.rules.policy import Actor

# The COTECH makes the diagnostic; its coordinator and the administrators may load it too.
IMPORTERS = frozenset({"cotech", "coordinator", "admin"})
# The COTECH's notes on the diagnostic: written by the COTECH, read by the committees and the
# administrators, as the committees' notes on records are (committee_notes.may_read_notes).
NOTE_WRITERS = frozenset({"cotech", "coordinator"})
_BODY = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class DiagnosticRejected(MaillageError):
    """The file is refused: nothing was written. `file.errors` name the rows."""

    def __init__(self, file: SsmsiFile):
        self.file = file
        self.message = "Fichier refusé : rien n'a été importé."
        super().__init__(self.message)


@dataclass(frozen=True)
class DiagnosticImport:
    """What an import did (or, dry, would do)."""

    file: SsmsiFile
    replaced: int  # figures of the same years and level that were stored before
    written: bool

    def as_text(self) -> str:
        f = self.file
        level = "communes" if f.level == "commune" else "département"
        years = ", ".join(str(y) for y in f.years)
        verb = "importés" if self.written else "à importer"
        return "\n".join(
            [
                f"{f.file_name} (SHA-256 {f.sha256})",
                f"Niveau : {level} ; années : {years}",
                f"Chiffres {verb} : {len(f.figures)} dont {f.withheld} non diffusés",
                f"Chiffres remplacés : {self.replaced}",
                f"Lignes hors Martinique ignorées : {f.skipped}",
            ]
        )


def require_importer(actor: Actor) -> None:
    """Refuse anyone but the COTECH, its coordinator, an administrator, or the system."""
    if actor.id is None and actor.active:
        return
    if not actor.active or not actor.holds_any(IMPORTERS):
        raise NotPermitted(
            Reason("role_required", "Le diagnostic est importé par le COTECH ou un administrateur.")
        )


def read_file(uow: UnitOfWork, data: bytes, file_name: str) -> SsmsiFile:
    """Read a file against Martinique's communes; raise DiagnosticRejected on any error."""
    communes = uow.session.scalars(select(Territory.code).where(Territory.kind == "commune"))
    file = read_ssmsi(data, file_name, list(communes))
    if file.errors:
        raise DiagnosticRejected(file)
    return file


def preview_diagnostic(
    uow: UnitOfWork, actor: Actor, data: bytes, file_name: str
) -> DiagnosticImport:
    """Check a file and say what importing it would do; write nothing."""
    require_importer(actor)
    file = read_file(uow, data, file_name)
    return DiagnosticImport(file, _stored(uow, file), written=False)


def import_diagnostic(
    uow: UnitOfWork, actor: Actor, data: bytes, file_name: str
) -> DiagnosticImport:
    """Replace the file's years at its level by its figures; one audit event; all or nothing."""
    uow.begin_write()
    require_importer(actor)
    file = read_file(uow, data, file_name)
    replaced = _stored(uow, file)
    conn = uow.connection
    conn.execute(
        delete(CrimeFigure).where(CrimeFigure.level == file.level, CrimeFigure.year.in_(file.years))
    )
    conn.execute(insert(CrimeFigure), [_row(file.level, figure) for figure in file.figures])
    audit.append(conn, [_entry(uow, actor, file, replaced)])
    uow.commit()
    return DiagnosticImport(file, replaced, written=True)


def _stored(uow: UnitOfWork, file: SsmsiFile) -> int:
    query = select(func.count(CrimeFigure.id)).where(
        CrimeFigure.level == file.level, CrimeFigure.year.in_(file.years)
    )
    return uow.connection.scalar(query) or 0


def _row(level: str, figure) -> dict:
    return {
        "level": level,
        "territory_code": figure.territory,
        "year": figure.year,
        "indicator": figure.indicator,
        "unit": figure.unit,
        "published": figure.published,
        "count": figure.count,
        "rate": figure.rate,
        "population": figure.population,
        "population_year": figure.population_year,
        "dwellings": figure.dwellings,
        "dwellings_year": figure.dwellings_year,
    }


def _entry(uow: UnitOfWork, actor: Actor, file: SsmsiFile, replaced: int) -> audit.Entry:
    return audit.Entry(
        record_type="diagnostic",
        record_reference=file.file_name[:254],
        action="diagnostic_import",
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        data={
            "file_name": file.file_name,
            "sha256": file.sha256,
            "level": file.level,
            "years": file.years,
            "figures": len(file.figures),
            "withheld": file.withheld,
            "replaced": replaced,
            "skipped": file.skipped,
        },
    )


def may_write_notes(actor: Actor) -> bool:
    return actor.active and actor.holds_any(NOTE_WRITERS)


def add_note(
    uow: UnitOfWork, actor: Actor, commune: str, indicator: str, year: int, body: str
) -> DiagnosticNote:
    """Note, for the COTECH, something of a commune's figure (a gap, mostly); audited."""
    conn = uow.begin_write()
    if not may_write_notes(actor):
        raise NotPermitted(
            Reason("role_required", "Les notes du diagnostic sont écrites par le COTECH.")
        )
    errors = {}
    known = select(Territory.id).where(Territory.kind == "commune", Territory.code == commune)
    if uow.session.scalar(known) is None:
        errors["commune"] = ["Commune inconnue."]
    if indicator not in indicator_names():
        errors["indicator"] = ["Indicateur inconnu."]
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        errors["body"] = ["Écrivez la note."]
    else:
        try:
            text = _BODY.deserialize(text)
        except ValidationError as exc:
            errors["body"] = [french(m) for m in exc.messages]
    if errors:
        raise InvalidInput(errors)
    note = DiagnosticNote(
        territory_code=commune,
        indicator=indicator,
        year=year,
        author_id=actor.id,
        body=text,
        created_at=uow.clock(),
    )
    uow.session.add(note)
    uow.session.flush()
    entry = audit.Entry(
        record_type="diagnostic",
        record_id=note.id,
        record_reference=f"{commune} {indicator} {year}"[:254],
        action="diagnostic_note",
        occurred_at=note.created_at,
        actor_id=actor.id,
        actor_label=actor.label,
        comment=text,
    )
    audit.append(conn, [entry])
    uow.commit()
    return note

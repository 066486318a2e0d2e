"""Import a census spreadsheet: plan it (a dry run), or write its drafts in one unit of work."""

import hashlib
from pathlib import Path

from sqlalchemy import text

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted, Reason
from engine.importing.drafts import write_drafts
from engine.importing.plan import Context, plan
from engine.importing.reader import MAX_BYTES, Table, UnreadableFile, read_table
from engine.importing.report import ImportReport
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason
from engine.services.users import new_organisation

IMPORTERS = frozenset({"admin", "cotech"})
IMPORT_LOCK_KEY = 0x494D504F5254  # "IMPORT"
Source = str | Path | bytes


class ImportRejected(InvalidInput):
    """A strict import found errors and wrote nothing; `report` says which rows and why."""

    def __init__(self, report: ImportReport) -> None:
        errors = {
            f"ligne {row.line}": [f"{c} : « {v} » — attendu : {e}" for c, v, e in row.errors]
            for row in report.rows_with("error")
        }
        super().__init__(
            errors, "Import refusé : le fichier contient des erreurs, rien n'a été écrit."
        )
        self.report = report


def plan_import(
    uow: UnitOfWork,
    actor: Actor,
    source: Source,
    filename: str,
    *,
    organisation: str | None = None,
    sheet: str | None = None,
) -> ImportReport:
    """Report what importing the file would create, row by row; write nothing (dry run)."""
    _ensure_may_import(actor)
    content = _content(source)
    table = read_table(content, sheet)
    return _plan(uow, actor, table, ImportReport(filename, _checksum(content)), organisation)


def run_import(
    uow: UnitOfWork,
    actor: Actor,
    source: Source,
    filename: str,
    *,
    organisation: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportReport:
    """Write every valid row as a draft of its organisation, in one transaction, audited.

    With `strict`, one row in error refuses the whole file (ImportRejected): nothing is written.
    """
    _ensure_may_import(actor)
    content = _content(source)
    # The file is parsed before the write lock is taken: only planning and writing hold it.
    table = read_table(content, sheet)
    conn = uow.begin_write()
    if conn.dialect.name == "postgresql":
        # Two imports of one file at once would each find no duplicate: one runs at a time
        # (SQLite's write lock, taken by begin_write, already does this).
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
    report = _plan(uow, actor, table, ImportReport(filename, _checksum(content)), organisation)
    if strict and report.counts["error"]:
        raise ImportRejected(report)
    _create_organisations(uow, actor, report)
    rows = report.rows_with("create")
    origin = {"import": report.checksum}
    entries = write_drafts(uow, actor, rows, origin)
    entries.append(_import_entry(uow, actor, report, strict))
    audit.append(uow.connection, entries)
    uow.commit()
    report.written = True
    return report


def _ensure_may_import(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if not IMPORTERS & actor.roles:
        raise NotPermitted(
            Reason("role_required", "Action réservée aux membres du COTECH et aux administrateurs.")
        )


def _content(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    path = Path(source)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableFile("Fichier trop volumineux : 20 Mo au plus.")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(
            f"Impossible de lire le fichier « {path.name} » : {exc.strerror}."
        ) from exc


def _checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _plan(
    uow: UnitOfWork, actor: Actor, table: Table, report: ImportReport, organisation: str | None
):
    context = Context.load(uow.session, actor)
    if organisation:
        report.organisation = context.names[context.assign(organisation)]
    return plan(table, context, report)


def _create_organisations(uow: UnitOfWork, actor: Actor, report: ImportReport) -> None:
    """Record the organisations the file names for the first time; give their rows the ids."""
    ids = {}
    for new in report.new_organisations:
        created = new_organisation(uow, actor, new.name, new.kind, new.siren, new.siret)
        ids[new.name] = created.id
    for row in report.rows_with("create"):
        if row.new_organisation:
            row.organisation_id = ids[row.new_organisation]


def _import_entry(uow: UnitOfWork, actor: Actor, report: ImportReport, strict: bool) -> audit.Entry:
    counts = report.counts
    return audit.Entry(
        record_type="import",
        record_reference=report.filename[:254],
        action="import",
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        data={
            "file": report.filename,
            "sheet": report.sheet,
            "checksum": report.checksum,
            "created": counts["create"],
            "errors": counts["error"],
            "duplicates": counts["duplicate"],
            "organisation": report.organisation,
            "new_organisations": [o.name for o in report.new_organisations],
            "strict": strict,
        },
    )

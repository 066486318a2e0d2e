"""Hand out a rendered document as HTML or PDF, and record who printed what."""

from engine.db.uow import UnitOfWork
from engine.documents import Document, to_pdf
from engine.errors import InvalidInput
from engine.records import audit
from engine.rules.policy import Actor

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def issue_document(uow: UnitOfWork, actor: Actor, document: Document, fmt: str) -> bytes:
    """Return the document's bytes in `fmt` (html or pdf), audited as one print event."""
    if fmt not in FORMATS:
        raise InvalidInput({"format": [f"Format inconnu « {fmt} » : html ou pdf."]})
    content = to_pdf(document.html) if fmt == "pdf" else document.html.encode("utf-8")
    # Logged once the bytes exist, so a failed PDF layout leaves no print in the log; in a unit
    # of work of its own, as the reading one may not turn into a write (SQLite, BEGIN IMMEDIATE).
    with UnitOfWork(uow.database, clock=uow.clock, workflows=uow.workflows) as writing:
        conn = writing.begin_write()
        audit.append(conn, [_entry(writing, actor, document, fmt)])
        writing.commit()
    return content


def _entry(uow: UnitOfWork, actor: Actor, document: Document, fmt: str) -> audit.Entry:
    return audit.Entry(
        record_type=document.record_type,
        record_id=document.record_id,
        record_reference=document.record_reference,
        action="print",
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        data={"document": document.name, "format": fmt, **document.details},
    )

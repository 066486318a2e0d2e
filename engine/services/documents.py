"""Hand out a rendered document as HTML or PDF, and record who printed what."""

from datetime import datetime

from engine.db.uow import UnitOfWork
from engine.documents import Document, to_pdf
from engine.errors import InvalidInput
from engine.records import audit
from engine.rules.policy import Actor
from engine.services.common import log_apart

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def issue_document(uow: UnitOfWork, actor: Actor, document: Document, fmt: str) -> bytes:
    """Return the document's bytes in `fmt` (html or pdf), audited as one print event."""
    if fmt not in FORMATS:
        raise InvalidInput({"format": [f"Format inconnu « {fmt} » : html ou pdf."]})
    content = to_pdf(document.html) if fmt == "pdf" else document.html.encode("utf-8")
    # Logged once the bytes exist, so a failed PDF layout leaves no print in the log.
    log_apart(uow, lambda now: _entry(now, actor, document, fmt))
    return content


def _entry(now: datetime, actor: Actor, document: Document, fmt: str) -> audit.Entry:
    return audit.Entry(
        record_type=document.record_type,
        record_id=document.record_id,
        record_reference=document.record_reference,
        action="print",
        occurred_at=now,
        actor_id=actor.id,
        actor_label=actor.label,
        data={"document": document.name, "format": fmt, **document.details},
    )

"""Printable documents the engine renders: case files, the COPIL's agenda and decisions.

Rendering only reads. Handing a document out (a file written, a download) is audited by
`engine.services.documents.issue_document`, which every caller uses to deliver one.
"""

from engine.documents.case_file import case_file_document, find_record, render_case_file
from engine.documents.copil import (
    copil_agenda_document,
    copil_decisions_document,
    render_copil_agenda,
    render_copil_decisions,
)
from engine.documents.document import Document
from engine.documents.pdf import to_pdf

__all__ = [
    "Document",
    "case_file_document",
    "copil_agenda_document",
    "copil_decisions_document",
    "find_record",
    "render_case_file",
    "render_copil_agenda",
    "render_copil_decisions",
    "to_pdf",
]

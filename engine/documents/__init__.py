"""Printable documents the engine renders: case files, a meeting's convocation and agenda, its
attendance sheet and minutes, the COPIL's record of decisions.

Rendering only reads. Handing a document out (a file written, a download) is audited by
`engine.services.documents.issue_document`, which every caller uses to deliver one.
"""

from engine.documents.agenda import convocation_document
from engine.documents.case_file import case_file_document, find_record, render_case_file
from engine.documents.copil import copil_decisions_document, render_copil_decisions
from engine.documents.document import Document
from engine.documents.meeting import (
    attendance_sheet_document,
    copil_meeting_on,
    find_meeting,
    minutes_document,
)
from engine.documents.pdf import to_pdf

__all__ = [
    "Document",
    "attendance_sheet_document",
    "case_file_document",
    "convocation_document",
    "copil_decisions_document",
    "copil_meeting_on",
    "find_meeting",
    "find_record",
    "minutes_document",
    "render_case_file",
    "render_copil_decisions",
    "to_pdf",
]

"""A rendered document and what the audit log must say when it is handed out."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """The HTML of a document, the record it is about, and the facts its print event keeps."""

    name: str  # case_file, convocation, attendance_sheet, minutes, copil_decisions
    html: str
    record_type: str  # scheme, pooling, meeting, or copil for the record of decisions
    filename: str  # without extension, e.g. DSP-2026-0042 or COPIL-2027-01-convocation
    record_id: int | None = None
    record_reference: str | None = None
    # Filters and row counts, kept in the print event's data.
    details: dict[str, Any] = field(default_factory=dict)

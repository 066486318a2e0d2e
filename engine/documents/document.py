"""A rendered document and what the audit log must say when it is handed out."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """The HTML of a document, the record it is about, and the facts its print event keeps."""

    name: str  # case_file, copil_agenda, copil_decisions
    html: str
    record_type: str  # scheme, pooling, or copil for the committee's documents
    filename: str  # without extension, e.g. DSP-2026-0042 or copil-ordre-du-jour-2025-12-09
    record_id: int | None = None
    record_reference: str | None = None
    # Filters and row counts, kept in the print event's data.
    details: dict[str, Any] = field(default_factory=dict)

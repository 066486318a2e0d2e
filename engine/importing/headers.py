"""Recognise column headers: the export's French labels first, then what people write instead."""

from dataclasses import dataclass, field

from engine.french.text import key
from engine.records.fields import SCHEME_COLUMNS, SCHEME_FIELDS

# Fields the import sets; the other export columns (state, dates of the record…) are recognised
# so that a re-imported export lists nothing as unknown, and are ignored.
IMPORTED = tuple(f.name for f in SCHEME_FIELDS if f.imported)
# What people write instead of the export's headers, per field.
SYNONYMS: dict[str, tuple[str, ...]] = {f.name: f.synonyms for f in SCHEME_FIELDS if f.synonyms}


def _index() -> dict[str, str]:
    """Map each header key to its field: the French label wins, then English, then synonyms."""
    index: dict[str, str] = {}
    for name, (french, _) in SCHEME_COLUMNS.items():
        index.setdefault(key(french), name)
    for name, (_, english) in SCHEME_COLUMNS.items():
        index.setdefault(key(english), name)
    for name, labels in SYNONYMS.items():
        for label in labels:
            index.setdefault(key(label), name)
    return index


HEADERS = _index()


def known(cell: object) -> str | None:
    """Return the field a header cell names, or None."""
    return HEADERS.get(key(str(cell))) if cell not in (None, "") else None


def count_known(cells: tuple) -> int:
    """Count the distinct fields a row of cells names: how much it looks like a header row."""
    return len({known(c) for c in cells} - {None})


@dataclass
class Columns:
    """Which column holds which field, and what was left aside."""

    fields: dict[int, str] = field(default_factory=dict)  # column index → field
    labels: dict[str, str] = field(default_factory=dict)  # field → header as written
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # known, but not imported (État…)


def match(cells: tuple) -> Columns:
    """Map a header row's columns to fields; the first column naming a field wins."""
    columns = Columns()
    for index, cell in enumerate(cells):
        text = "" if cell is None else " ".join(str(cell).split())
        if not text:
            continue
        name = known(text)
        if name is None:
            columns.unknown.append(text)
        elif name not in IMPORTED:
            columns.ignored.append(text)
        elif name in columns.labels:
            columns.unknown.append(f"{text} (en double)")
        else:
            columns.fields[index], columns.labels[name] = name, text
    return columns

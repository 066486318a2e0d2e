"""What an import will do, or did, row by row: the report shown to the user, in French."""

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("create", "error", "duplicate")
SHOWN_LENGTH = 60


@dataclass
class NewOrganisation:
    """An organisation the file names that is not recorded yet; created by the import."""

    name: str
    kind: str
    siren: str | None = None
    siret: str | None = None


@dataclass
class RowResult:
    """One data row: its line in the file, what becomes of it, and why."""

    line: int
    status: str  # "create", "error" or "duplicate"
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # column, value, expected
    duplicate_of: str | None = None  # a scheme's reference, or "ligne N"
    new_organisation: str | None = None  # name of the organisation the import creates
    organisation_id: int | None = None
    organisation: str | None = None  # the organisation's name, for the report
    reference: str | None = None  # given once the draft is written


@dataclass
class ImportReport:
    """The file read, its columns, each row's fate, and the totals."""

    filename: str
    checksum: str
    header_line: int = 1
    sheet: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    new_organisations: list[NewOrganisation] = field(default_factory=list)
    organisation: str | None = None  # the organisation every row was assigned to, if any
    written: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Return how many rows are to create (or created), in error, duplicates."""
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def rows_with(self, status: str) -> list[RowResult]:
        """Return the rows of one status, in file order."""
        return [row for row in self.rows if row.status == status]

    def as_text(self) -> str:
        """Return the report as the command line prints it, in French."""
        lines = [self._title(), *self._columns(), ""]
        lines += [line for row in self.rows for line in _row_lines(row, self.written)]
        lines += ["", self._totals()]
        return "\n".join(lines)

    def _title(self) -> str:
        where = f" (feuille « {self.sheet} »)" if self.sheet else ""
        mode = "" if self.written else " — simulation : rien n'a été enregistré"
        return f"Import de « {self.filename} »{where}, en-têtes en ligne {self.header_line}{mode}."

    def _columns(self) -> list[str]:
        lines = []
        if self.organisation:
            lines.append(f"Toutes les lignes sont rattachées à : {self.organisation}.")
        if self.unknown_columns:
            lines.append("Colonnes non reconnues, ignorées : " + ", ".join(self.unknown_columns))
        if self.ignored_columns:
            lines.append("Colonnes non importées : " + ", ".join(self.ignored_columns))
        if self.new_organisations:
            verb = "créées" if self.written else "à créer"
            names = ", ".join(
                f"{o.name} ({_KINDS.get(o.kind, o.kind)})" for o in self.new_organisations
            )
            lines.append(f"Nouvelles structures {verb} : {names}")
        return lines

    def _totals(self) -> str:
        counts = self.counts
        created = "créé(s) en brouillon" if self.written else "à créer en brouillon"
        return (
            f"Bilan : {counts['create']} dispositif(s) {created}, "
            f"{counts['error']} ligne(s) en erreur"
            + (", non importée(s)" if self.written else "")
            + f", {counts['duplicate']} doublon(s) ignoré(s)."
        )


_KINDS = {
    "commune": "commune",
    "epci": "intercommunalité",
    "ctm": "CTM",
    "state": "service de l'État",
    "association": "association",
    "other": "autre",
}


def _row_lines(row: RowResult, written: bool) -> list[str]:
    title = _short(row.data.get("title") or "")
    who = f" — {row.organisation}" if row.organisation else ""
    if row.new_organisation:
        who += " (nouvelle structure)"
    if row.status == "create":
        done = f"créé {row.reference}" if written and row.reference else "à créer"
        return [f"Ligne {row.line} : {done} — « {title} »{who}"]
    if row.status == "duplicate":
        return [
            f"Ligne {row.line} : doublon {_of(row.duplicate_of or '')}, ignoré — « {title} »{who}"
        ]
    head = f"Ligne {row.line} : erreur" + (f" — « {title} »" if title else "")
    return [head] + [
        f"  - {column} : « {_short(value)} » — attendu : {expected}"
        for column, value, expected in row.errors
    ]


def _of(duplicate_of: str) -> str:
    """ "de la ligne 4", "de DSP-2026-0007", "d'un brouillon…": French elision and article."""
    if duplicate_of.startswith("ligne"):
        return f"de la {duplicate_of}"
    return f"d'{duplicate_of}" if duplicate_of.startswith("un ") else f"de {duplicate_of}"


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"

"""Read a spreadsheet's rows: XLSX or CSV told apart by content, limits checked, header found."""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from engine.errors import MaillageError
from engine.importing.headers import count_known

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# What 50,000 full rows take once unpacked, with room to spare; a zip bomb takes far more.
MAX_UNPACKED = 500 * 1024 * 1024
# The header is the first row naming at least two known fields among the first rows, so titles
# and blank rows people put above it are skipped.
HEADER_SCAN = 20
MIN_KNOWN = 2
DELIMITERS = (";", ",", "\t")


class UnreadableFile(MaillageError):
    """The file is not a spreadsheet we can read; the message says why, in French, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The header row and the data rows of one sheet, each with its line number in the file."""

    header_line: int
    header: tuple
    rows: list[tuple[int, tuple]]
    sheet: str | None = None


def read_table(content: bytes, sheet: str | None = None) -> Table:
    """Read the rows of an XLSX (first or named sheet) or a CSV file; raise UnreadableFile."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile("Fichier trop volumineux : 20 Mo au plus.")
    if not content.strip():
        raise UnreadableFile("Le fichier est vide.")
    if content.startswith(b"PK\x03\x04"):
        return _xlsx(content, sheet)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            "Format Excel 97-2003 (.xls) non pris en charge : enregistrez le fichier en .xlsx "
            "ou en CSV."
        )
    return _csv(_decode(content))


def _xlsx(content: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("Classeur Excel endommagé ou incomplet (archive illisible).") from exc
    # openpyxl reports malformed workbooks with many exception types (KeyError for a missing
    # part, XML and value errors…): any of them means the same thing to the user.
    except Exception as exc:
        raise UnreadableFile(
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible, ni un fichier CSV."
        ) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise UnreadableFile(
                f"Feuille « {sheet} » introuvable ; feuilles du classeur : "
                + ", ".join(book.sheetnames)
                + "."
            )
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        try:
            table = _table(worksheet.iter_rows(values_only=True))
        except (zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError) as exc:
            raise UnreadableFile("Classeur Excel endommagé : ses lignes sont illisibles.") from exc
        table.sheet = worksheet.title
        return table
    finally:
        book.close()


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook that unpacks to more than MAX_UNPACKED before openpyxl inflates it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("Classeur Excel endommagé ou incomplet (archive illisible).") from exc
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile("Classeur trop volumineux une fois décompressé.")


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if b"\x00" in content[:4096]:
        raise UnreadableFile("Ce fichier n'est pas un tableur : ni classeur .xlsx, ni CSV.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (séparateur : point-virgule)" on Windows writes Windows-1252.
        return content.decode("cp1252", errors="replace")


def _csv(text: str) -> Table:
    best = max(DELIMITERS, key=lambda d: _header_score(text, d))
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=best))
    except csv.Error as exc:
        raise UnreadableFile(f"Fichier CSV mal formé : {exc}.") from exc


def _header_score(text: str, delimiter: str) -> int:
    """How many known headers the best of the first rows names when split on `delimiter`."""
    rows = csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter)
    try:
        return max(map(count_known, itertools.islice(rows, HEADER_SCAN)), default=0)
    except csv.Error:
        return 0


def _table(rows: Iterable[tuple]) -> Table:
    numbered = enumerate(rows, start=1)
    header_line, header = _find_header(numbered)
    rows = list(_data(numbered))
    if not rows:
        raise UnreadableFile("Aucune ligne de dispositif sous la ligne d'en-tête.")
    return Table(header_line, header, rows)


def _find_header(numbered: Iterator[tuple[int, tuple]]) -> tuple[int, tuple]:
    for line, row in numbered:
        if count_known(tuple(row)) >= MIN_KNOWN:
            return line, tuple(row)
        if line >= HEADER_SCAN:
            break
    raise UnreadableFile(
        "Aucune ligne d'en-tête reconnue dans les 20 premières lignes : "
        "la première ligne du tableau doit nommer les colonnes (Intitulé, Porteur…)."
    )


def _data(numbered: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    count = 0
    for line, row in numbered:
        if not any(c is not None and str(c).strip() for c in row):
            continue
        count += 1
        if count > MAX_ROWS:
            raise UnreadableFile("Fichier trop long : 50 000 lignes au plus.")
        yield line, tuple(row)

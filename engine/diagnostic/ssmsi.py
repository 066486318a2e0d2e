"""Read the SSMSI's bases of recorded crime, communal or departmental, keeping Martinique's rows.

The files are published on data.gouv.fr in long format: `;`-separated, values often quoted,
decimal comma, `NA` for a missing value. The communal base's header:

    CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;
    insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux

(the year of `CODGEO_` follows the edition's geography), the departmental base's:

    Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;
    insee_pop;insee_pop_millesime;insee_log;insee_log_millesime

A commune's figure the SSMSI does not publish (too few facts) has `est_diffuse = ndiff`: it is
read as "not published" — never 0, and never the `complement_info_*` value, which is the mean of
the département's hidden communes, not this commune's. The national communal file holds every
French commune: the rows of other départements are skipped (and counted); a 972xx code that is
not one of Martinique's 34 communes is an error. Any error refuses the whole file, row named.
"""

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, TextIO

from engine.diagnostic.indicators import indicator_names

DEPARTMENT = "972"
GZIP = b"\x1f\x8b"
# Files of invented numbers (the demo's, the tests') carry this mark in their names.
INVENTED = "INVENTE"
COMMUNE_HEADER = (
    "annee",
    "indicateur",
    "unite_de_compte",
    "nombre",
    "taux_pour_mille",
    "est_diffuse",
    "insee_pop",
    "insee_pop_millesime",
    "insee_log",
    "insee_log_millesime",
    "complement_info_nombre",
    "complement_info_taux",
)
DEPARTMENT_HEADER = (
    "Code_departement",
    "Code_region",
    "annee",
    "indicateur",
    "unite_de_compte",
    "nombre",
    "taux_pour_mille",
    "insee_pop",
    "insee_pop_millesime",
    "insee_log",
    "insee_log_millesime",
)
CODGEO = re.compile(r"^CODGEO_\d{4}$")
MISSING = {"", "NA"}
# Enough to say what is wrong without a thousand lines: the count says how many more.
MAX_ERRORS = 50


@dataclass(frozen=True)
class CrimeFigure:
    """One published (or withheld) figure: a territory, a year, an indicator."""

    line: int
    territory: str  # a commune's INSEE code, or "972" for the département
    year: int
    indicator: str
    unit: str
    published: bool
    count: int | None
    rate: Decimal | None  # per 1,000 inhabitants (or dwellings for burglaries)
    population: int | None
    population_year: int | None
    dwellings: int | None
    dwellings_year: int | None

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.territory, self.year, self.indicator, self.unit)


@dataclass
class SsmsiFile:
    """What a file holds for Martinique, or why it is refused."""

    file_name: str
    sha256: str
    level: str = "commune"  # or "department"
    figures: list[CrimeFigure] = field(default_factory=list)
    skipped: int = 0  # rows of other départements
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    @property
    def years(self) -> list[int]:
        return sorted({f.year for f in self.figures})

    @property
    def withheld(self) -> int:
        return sum(1 for f in self.figures if not f.published)

    @property
    def refusal(self) -> list[str]:
        """The errors as said to the user, the count of those left out last."""
        more = [f"… et {self.more_errors} autres erreurs."] if self.more_errors else []
        return [*self.errors, *more]

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"Ligne {line} : {message}")
        else:
            self.more_errors += 1


class _Hashing(io.RawIOBase):
    """A binary stream read through, its SHA-256 computed on the way."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.stream.read(len(buffer))
        self.digest.update(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def read_ssmsi(source: bytes | BinaryIO, file_name: str, communes: Iterable[str]) -> SsmsiFile:
    """Read a file (its bytes or a binary stream, gzipped or not), line by line: the national
    file weighs hundreds of megabytes. `communes` are Martinique's INSEE codes. Never raises on
    content: what is wrong is in the result's `errors`."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    hashing = _Hashing(stream)
    buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
    binary = gzip.GzipFile(fileobj=buffered) if buffered.peek(2)[:2] == GZIP else buffered
    result = SsmsiFile(file_name, "")
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        _read(text, result, communes)
    except UnicodeDecodeError:
        result.errors.append(
            "Le fichier n'est pas encodé en UTF-8 : téléchargez-le de nouveau depuis data.gouv.fr."
        )
    except (OSError, EOFError, csv.Error) as exc:
        result.errors.append(f"Fichier illisible : {exc}.")
    text.detach()  # the caller's stream stays open
    # The whole file is hashed, even past an error: the SHA-256 names what was given.
    while buffered.read(1 << 20):
        pass
    result.sha256 = hashing.digest.hexdigest()
    return result


def _read(text: TextIO, result: SsmsiFile, communes: Iterable[str]) -> None:
    header = next(csv.reader([text.readline()], delimiter=";"), None)
    if not header:
        result.errors.append("Le fichier est vide.")
        return
    if not _header_ok(header, result):
        return
    known = set(communes)
    names = indicator_names()
    seen: dict[tuple, int] = {}
    for line, raw in enumerate(text, start=2):
        if not raw.strip():
            continue
        # The national file's millions of other communes are skipped before the CSV reader
        # parses them: a row of Martinique starts with its code, quoted or not.
        if not raw.lstrip('"').startswith(DEPARTMENT):
            result.skipped += 1
            continue
        row = next(csv.reader([raw], delimiter=";"))
        figure = _figure(row, line, result, known, names)
        if figure is None:
            continue
        first = seen.setdefault(figure.key, line)
        if first != line:
            result.error(line, f"même territoire, année et indicateur qu'à la ligne {first}.")
            continue
        result.figures.append(figure)
    if not result.figures and not result.errors:
        result.errors.append("Le fichier ne contient aucune ligne pour la Martinique.")


def _header_ok(header: list[str], result: SsmsiFile) -> bool:
    header = [cell.strip() for cell in header]
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        result.errors.append(
            "Ligne 1 : le séparateur attendu est le point-virgule (;), comme dans les fichiers "
            "du SSMSI."
        )
        return False
    if header and CODGEO.match(header[0]) and tuple(header[1:]) == COMMUNE_HEADER:
        return True
    if tuple(header) == DEPARTMENT_HEADER:
        result.level = "department"
        return True
    result.errors.append(
        "Ligne 1 : colonnes inattendues. Attendu : « CODGEO_AAAA;"
        + ";".join(COMMUNE_HEADER)
        + " » (base communale) ou « "
        + ";".join(DEPARTMENT_HEADER)
        + " » (base départementale)."
    )
    return False


def _figure(row, line, result, known, names) -> CrimeFigure | None:
    expected = len(COMMUNE_HEADER) + 1 if result.level == "commune" else len(DEPARTMENT_HEADER)
    if len(row) != expected:
        result.error(line, f"{len(row)} colonnes au lieu de {expected}.")
        return None
    cells = [cell.strip() for cell in row]
    if result.level == "commune":
        code, values = cells[0], dict(zip(COMMUNE_HEADER, cells[1:], strict=True))
        # Other départements' rows were skipped before the CSV reader (_read): a 972… code
        # that is no commune of Martinique is an error.
        if code not in known:
            result.error(line, f"la commune {code} n'est pas une commune de la Martinique.")
            return None
    else:
        values = dict(zip(DEPARTMENT_HEADER, cells, strict=True))
        code = values["Code_departement"]
        if code != DEPARTMENT:
            result.skipped += 1
            return None
    return _values(values, code, line, result, names)


def _values(values, code, line, result, names) -> CrimeFigure | None:
    problems: list[str] = []
    year = _integer(values["annee"], "année", problems, required=True)
    indicator = values["indicateur"]
    if indicator not in names:
        problems.append(f"indicateur inconnu « {indicator} »")
    unit = values["unite_de_compte"]
    if not unit or unit in MISSING:
        problems.append("unité de compte manquante")
    published = _published(values, result.level, problems)
    count = _integer(values["nombre"], "nombre", problems, required=published)
    rate = _decimal(values["taux_pour_mille"], problems, required=published)
    population = _integer(values["insee_pop"], "population", problems)
    population_year = _integer(values["insee_pop_millesime"], "millésime de population", problems)
    dwellings = _integer(values["insee_log"], "logements", problems)
    dwellings_year = _integer(values["insee_log_millesime"], "millésime des logements", problems)
    if year is not None and not 2000 <= year <= 2100:
        problems.append(f"année {year} invraisemblable")
    if problems:
        result.error(line, "; ".join(problems) + ".")
        return None
    return CrimeFigure(
        line=line,
        territory=code,
        year=year,
        indicator=indicator,
        unit=unit,
        published=published,
        # Withheld: neither the count nor the rate of this territory is known.
        count=count if published else None,
        rate=rate if published else None,
        population=population,
        population_year=population_year,
        dwellings=dwellings,
        dwellings_year=dwellings_year,
    )


def _published(values, level, problems) -> bool:
    if level == "department":
        return True
    flag = values["est_diffuse"]
    if flag not in ("diff", "ndiff"):
        problems.append(f"est_diffuse vaut « {flag} » au lieu de « diff » ou « ndiff »")
        return True
    return flag == "diff"


def _integer(text: str, label: str, problems: list[str], required: bool = False) -> int | None:
    if text in MISSING:
        if required:
            problems.append(f"{label} manquant")
        return None
    try:
        return int(text)
    except ValueError:
        # Some editions write counts as decimals ("12,0").
        number = _number(text)
        if number is not None and number == number.to_integral_value():
            return int(number)
        problems.append(f"{label} « {text} » n'est pas un nombre entier")
        return None


def _decimal(text: str, problems: list[str], required: bool) -> Decimal | None:
    if text in MISSING:
        if required:
            problems.append("taux pour mille manquant")
        return None
    number = _number(text)
    if number is None or number < 0:
        problems.append(f"taux pour mille « {text} » illisible (virgule décimale attendue)")
    return number


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        return None

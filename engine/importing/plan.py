"""Plan an import: each row read against reference data loaded once, duplicates found."""

import re
from dataclasses import dataclass, field

from sqlalchemy import case, literal, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.french.text import fold, key
from engine.importing import lookups
from engine.importing.headers import Columns, match
from engine.importing.reader import Table, UnreadableFile
from engine.importing.report import ImportReport, NewOrganisation, RowResult
from engine.importing.rows import RowReader
from engine.importing.values import shown, text
from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.queries.inventory import visible_to
from engine.records.fields import header
from engine.records.values import VOCABULARY_FIELDS
from engine.rules.policy import Actor
from engine.services.users import siren_problem

CTM_SIREN = "200055507"
# A new organisation's kind, guessed from its name; what nothing matches is "other".
KIND_BY_NAME = [
    (re.compile(r"^(collectivite territoriale de martinique|ctm)\b"), "ctm"),
    (re.compile(r"^communaute d'agglomeration\b"), "epci"),
    (re.compile(r"^(ville|commune|mairie)\b"), "commune"),
    (
        re.compile(r"^(prefecture|police|gendarmerie|douanes?|parquet|tribunal|rectorat|spip|pjj)"),
        "state",
    ),
    (re.compile(r"^(association|asso\b|ass\.)"), "association"),
]


@dataclass
class Context:
    """Reference data of one import, loaded in a few queries before the first row."""

    reader: RowReader
    territories: lookups.Lookup[str]
    organisation_names: lookups.Lookup[int]
    sirens: dict[str, int]
    names: dict[int, str]
    existing: dict[tuple, str] = field(default_factory=dict)  # (org, title key) → reference
    organisation_id: int | None = None

    @classmethod
    def load(cls, session: Session, actor: Actor) -> "Context":
        """Load territories, active vocabulary terms, organisations and existing titles.

        A duplicate the actor may not open (another organisation's draft) is named without its
        reference.
        """
        terms = session.scalars(select(VocabularyTerm).where(VocabularyTerm.active.is_(True)))
        by_vocabulary: dict[str, list] = {}
        for term in terms:
            by_vocabulary.setdefault(term.vocabulary, []).append(term)
        territory_rows = list(session.scalars(select(Territory)))
        places = lookups.territories(territory_rows)
        found = {
            f: lookups.vocabulary(by_vocabulary.get(vocab, []))
            for f, vocab in VOCABULARY_FIELDS.items()
        }
        rows = list(session.execute(select(Organisation.id, Organisation.name, Organisation.siren)))
        names, sirens = lookups.organisations(rows)
        shown = case((visible_to(actor), Scheme.reference), else_=literal(HIDDEN_DRAFT))
        titles = session.execute(select(Scheme.organisation_id, Scheme.title, shown))
        return cls(
            reader=RowReader(
                found | {"territories": places}, names, {t.cog: t.name for t in territory_rows}
            ),
            territories=places,
            organisation_names=names,
            sirens=sirens,
            names={r.id: r.name for r in rows},
            existing={(o, key(t)): ref for o, t, ref in titles},
        )

    def assign(self, name_or_siren: str) -> int:
        """Set the organisation every row belongs to, by name or SIREN; raise if unknown."""
        siren = re.sub(r"\s", "", name_or_siren)
        found = self.sirens.get(siren) or self.organisation_names.find(name_or_siren)
        if found is None:
            raise InvalidInput(
                {"organisation": [f"Structure inconnue : « {name_or_siren} » (nom ou SIREN)."]}
            )
        self.organisation_id = found
        return found


HIDDEN_DRAFT = "un brouillon que vous ne pouvez pas consulter"


def plan(table: Table, context: Context, report: ImportReport) -> ImportReport:
    """Fill the report with each row's fate: to create, in error, or a duplicate."""
    columns = match(table.header)
    _check_columns(columns, context)
    report.header_line, report.sheet = table.header_line, table.sheet
    report.unknown_columns, report.ignored_columns = columns.unknown, columns.ignored
    new: dict[str, NewOrganisation] = {}
    seen: dict[tuple, int] = {}
    for line, cells in table.rows:
        raw = {name: cells[i] for i, name in columns.fields.items() if i < len(cells)}
        row = _row(context, columns, line, raw, new)
        _mark_duplicate(row, context.existing, seen)
        report.rows.append(row)
    # An organisation only rows in error name is not created: it is shown on those rows only.
    used = {row.new_organisation for row in report.rows_with("create")}
    report.new_organisations = [o for o in new.values() if o.name in used]
    return report


def _check_columns(columns: Columns, context: Context) -> None:
    if "title" not in columns.labels:
        raise UnreadableFile(f"Colonne « {header('title')} » introuvable : elle est obligatoire.")
    if context.organisation_id is None and not (
        {"organisation", "organisation_siren"} & set(columns.labels)
    ):
        raise UnreadableFile(
            f"Colonne « {header('organisation')} » introuvable : ajoutez-la, "
            "ou désignez une structure pour toutes les lignes."
        )


def _row(context: Context, columns: Columns, line: int, raw: dict, new: dict) -> RowResult:
    def label(name: str) -> str:
        return columns.labels.get(name) or header(name)

    owner = {
        "organisation": raw.pop("organisation", None),
        "siren": raw.pop("organisation_siren", None),
    }
    data, errors = context.reader.read(raw, label)
    row = RowResult(line, "create", data, errors)
    if context.organisation_id is not None:
        row.organisation_id = context.organisation_id
    else:
        _organisation(context, row, owner, label, new)
    row.organisation = context.names.get(row.organisation_id) or row.new_organisation
    row.status = "error" if row.errors else "create"
    return row


def _organisation(context: Context, row: RowResult, owner: dict, label, new: dict) -> None:
    """Find the row's organisation by SIREN or name; a name not recorded yet is a new one."""
    name, number = text(owner["organisation"]), re.sub(r"\s", "", shown(owner["siren"]))
    siren, siret = (number[:9], number) if len(number) == 14 else (number or None, None)
    if (siren and siren_problem(siren)) or (siret and siren_problem(siret, 14)):
        expected = "numéro SIREN (9 chiffres) ou SIRET (14 chiffres) valide"
        row.errors.append((label("organisation_siren"), shown(owner["siren"]), expected))
        return
    found = context.sirens.get(siren or "") or (name and context.organisation_names.find(name))
    if found:
        row.organisation_id = found
    elif name and len(name) <= 200:
        row.new_organisation = _new(context, new, name, siren, siret).name
    elif name:
        row.errors.append((label("organisation"), name, "nom de 200 caractères au plus"))
    else:
        expected = "nom de la structure porteuse (obligatoire" + (
            ", SIREN inconnu)" if siren else ")"
        )
        row.errors.append((label("organisation"), "", expected))


def _new(context: Context, new: dict, name: str, siren: str | None, siret: str | None):
    """The organisation to create for a name, shared by every row naming it (or its SIREN)."""
    entry = new.get(key(name)) or next(
        (e for e in new.values() if siren and e.siren == siren), None
    )
    if entry is None:
        entry = new[key(name)] = NewOrganisation(name, _kind(name, siren, context), siren, siret)
    return entry


def _kind(name: str, siren: str | None, context: Context) -> str:
    if siren == CTM_SIREN:
        return "ctm"
    if (context.territories.find(name) or "").startswith("EPCI-"):
        return "epci"
    folded = fold(name)
    return next((kind for pattern, kind in KIND_BY_NAME if pattern.match(folded)), "other")


def _mark_duplicate(row: RowResult, existing: dict, seen: dict) -> None:
    """A row repeats a recorded scheme, or an earlier row: same organisation, same title."""
    if row.status != "create":
        return
    owner = row.organisation_id if row.organisation_id else key(row.new_organisation)
    title_key = (owner, key(row.data["title"]))
    if title_key in existing:
        row.status, row.duplicate_of = "duplicate", existing[title_key]
    elif title_key in seen:
        row.status, row.duplicate_of = "duplicate", f"ligne {seen[title_key]}"
    else:
        seen[title_key] = row.line

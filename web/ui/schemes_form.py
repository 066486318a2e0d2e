"""The scheme form: what it shows, what was typed, and what the engine receives from it.

A `SchemeForm` keeps every value as typed (text), so a form sent back with errors shows the
user's input unchanged; `engine_data` turns it into the services' Python values, with the
French reading errors (dates, amounts, counts) of the fields it could not read.
"""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from engine.french.inputs import (
    FrenchInputError,
    amount_text,
    date_text,
    parse_amount,
    parse_date,
    parse_integer,
)
from engine.models import Scheme
from engine.queries.forms import SchemeChoices

TEXTS = (
    "title",
    "summary",
    "description",
    "eligibility",
    "legal_basis",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
)
COUNTS = ("age_min", "age_max", "capacity", "beneficiaries_last_year")
DATES = ("start_date", "end_date")
LISTS = ("themes", "publics", "aid_types", "territories")
ROW_FIELDS = {
    "partners": ("organisation_id", "name", "role"),
    "funders": ("organisation_id", "name", "amount"),
}
EMPTY_ROWS = 3

LABELS = {
    "title": _l("Intitulé"),
    "organisation_id": _l("Porteur (structure)"),
    "summary": _l("Résumé"),
    "description": _l("Description"),
    "themes": _l("Thématiques"),
    "publics": _l("Publics cibles"),
    "aid_types": _l("Nature de l'aide"),
    "territories": _l("Territoire couvert"),
    "age_min": _l("Âge minimum"),
    "age_max": _l("Âge maximum"),
    "annual_budget": _l("Budget annuel (€)"),
    "funders": _l("Financeurs"),
    "partners": _l("Partenaires et co-porteurs"),
    "capacity": _l("Capacité (bénéficiaires par an)"),
    "beneficiaries_last_year": _l("Bénéficiaires l'an dernier"),
    "start_date": _l("Date de début"),
    "end_date": _l("Date de fin"),
    "eligibility": _l("Critères d'éligibilité"),
    "legal_basis": _l("Cadre ou base juridique"),
    "contact_name": _l("Nom du contact"),
    "contact_email": _l("Courriel du contact"),
    "contact_phone": _l("Téléphone du contact"),
    "url": _l("Site web"),
}
HELP = {
    "title": _l(
        "180 caractères au plus. Seuls l'intitulé et le porteur sont exigés pour un brouillon."
    ),
    "summary": _l("La promesse du dispositif en une phrase (180 caractères au plus)."),
    "description": _l("Ce que fait le dispositif, pour qui, comment (5 000 caractères au plus)."),
    "age_min": _l("En années, de 0 à 120."),
    "age_max": _l("En années, de 0 à 120 ; au moins l'âge minimum."),
    "annual_budget": _l("En euros, par exemple 12 500,50 €."),
    "funders": _l("La somme des montants ne peut dépasser le budget annuel."),
    "partners": _l("Choisissez une structure connue ou écrivez un nom, puis son rôle."),
    "capacity": _l("Nombre de bénéficiaires par an, par exemple 1 200."),
    "beneficiaries_last_year": _l("Nombre entier, par exemple 340."),
    "start_date": _l("Format jj/mm/aaaa, par exemple 15/03/2024."),
    "end_date": _l("Format jj/mm/aaaa ; laissez vide si le dispositif se poursuit."),
    "eligibility": _l("Qui peut en bénéficier, à quelles conditions."),
    "legal_basis": _l("Par exemple : FIPD, CLSPD, politique de la ville."),
    "contact_email": _l("Par exemple : prevention@ville-fortdefrance.fr"),
    "contact_phone": _l(
        "Par exemple : 0596 12 34 56. Un courriel ou un téléphone est exigé à la soumission."
    ),
    "url": _l("Adresse commençant par http:// ou https://"),
    "territories": _l("Cochez toute la Martinique, une intercommunalité entière ou des communes."),
}


@dataclass
class SchemeForm:
    """The form's values as typed, and the errors to show next to each field.

    Error keys are field names, or `partners.<row>.<sub>` / `funders.<row>` for a row of the
    form (its position on the page, not in what the engine received).
    """

    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return self.values.get(name, [] if name in LISTS else "")

    def row_errors(self, kind: str, index: int, sub: str | None = None) -> list[str]:
        key = f"{kind}.{index}" + (f".{sub}" if sub else "")
        return self.errors.get(key, [])


def blank_form(organisation_id: int | None = None) -> SchemeForm:
    """Return an empty form with a few empty partner and funder rows."""
    values = {"organisation_id": str(organisation_id or "")}
    return SchemeForm(values, {kind: _pad([]) for kind in ROW_FIELDS})


def form_from_scheme(scheme: Scheme) -> SchemeForm:
    """Return the form filled with a scheme's current values, written the French way."""
    values: dict[str, Any] = {name: getattr(scheme, name) or "" for name in TEXTS}
    values.update(
        {n: "" if getattr(scheme, n) is None else str(getattr(scheme, n)) for n in COUNTS}
    )
    values.update({name: date_text(getattr(scheme, name)) for name in DATES})
    values["annual_budget"] = amount_text(scheme.annual_budget)
    for name in ("themes", "publics", "aid_types"):
        values[name] = [term.code for term in getattr(scheme, name)]
    values["territories"] = [t.cog for t in scheme.territories]
    values["organisation_id"] = str(scheme.organisation_id)
    rows = {
        "partners": [
            {"organisation_id": str(p.organisation_id or ""), "name": p.name or "", "role": p.role}
            for p in scheme.partners
        ],
        "funders": [
            {
                "organisation_id": str(f.organisation_id or ""),
                "name": f.name or "",
                "amount": amount_text(f.amount),
            }
            for f in scheme.funders
        ],
    }
    return SchemeForm(values, {kind: _pad(found) for kind, found in rows.items()})


def form_from_request(form: MultiDict, add_row: str | None = None) -> SchemeForm:
    """Return the form as posted; `add_row` ("partners"/"funders") adds an empty row to it."""
    values: dict[str, Any] = {n: form.get(n, "") for n in (*TEXTS, *COUNTS, *DATES)}
    values["annual_budget"] = form.get("annual_budget", "")
    values["organisation_id"] = form.get("organisation_id", "")
    for name in LISTS:
        values[name] = form.getlist(name)
    rows = {kind: _posted_rows(form, kind, subs) for kind, subs in ROW_FIELDS.items()}
    if add_row in rows:
        rows[add_row].append(dict.fromkeys(ROW_FIELDS[add_row], ""))
    return SchemeForm(values, rows)


def _posted_rows(form: MultiDict, kind: str, subs: tuple[str, ...]) -> list[dict[str, str]]:
    # Rows are numbered on the page; at most 50 so a forged form cannot make the page huge.
    rows = []
    for index in range(50):
        if f"{kind}-{index}-name" not in form:
            break
        rows.append({sub: form.get(f"{kind}-{index}-{sub}", "").strip() for sub in subs})
    return rows


def _pad(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Show at least one empty row after the filled ones, and EMPTY_ROWS rows in all."""
    kind_subs = ("organisation_id", "name", "role", "amount")
    empty = dict.fromkeys(kind_subs, "")
    return rows + [dict(empty) for _ in range(max(1, EMPTY_ROWS - len(rows)))]


@dataclass
class EngineData:
    """What the services receive, the fields that could not be read, and row positions."""

    data: dict[str, Any]
    errors: dict[str, list[str]]
    row_positions: dict[str, list[int]]

    def place(self, engine_errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """Key the engine's errors as the form shows them (funders.0.amount → its page row)."""
        placed = dict(self.errors)
        for key, messages in engine_errors.items():
            kind, _, rest = key.partition(".")
            if kind in self.row_positions and rest:
                index, _, sub = rest.partition(".")
                if index.isdigit() and int(index) < len(self.row_positions[kind]):
                    row = self.row_positions[kind][int(index)]
                    key = f"{kind}.{row}" + (f".{sub}" if sub else "")
            known = placed.setdefault(key, [])
            known.extend(m for m in messages if m not in known)
        return placed


def engine_data(form: SchemeForm, choices: SchemeChoices, *, new: bool) -> EngineData:
    """Read the typed values into the services' fields; unreadable ones become errors."""
    data: dict[str, Any] = {name: form.value(name) for name in TEXTS}
    errors: dict[str, list[str]] = {}
    readers = [(COUNTS, parse_integer), (DATES, parse_date), (("annual_budget",), parse_amount)]
    for names, reader in readers:
        for name in names:
            _read(data, errors, name, reader, form.value(name))
    for name in ("themes", "publics", "aid_types"):
        data[name] = list(form.value(name))
    data["territories"] = choices.collapse_territories(list(form.value("territories")))
    positions: dict[str, list[int]] = {}
    for kind in ROW_FIELDS:
        data[kind], positions[kind] = _rows(form.rows.get(kind, []), kind, errors)
    if new:
        data["organisation_id"] = _organisation(form.value("organisation_id"), errors)
    return EngineData(data, errors, positions)


def _read(data: dict, errors: dict, name: str, reader, typed: str) -> None:
    try:
        value = reader(typed)
    except FrenchInputError as exc:
        errors[name] = [str(exc)]
        return
    data[name] = value.isoformat() if hasattr(value, "isoformat") else value


def _rows(rows: list[dict[str, str]], kind: str, errors: dict) -> tuple[list[dict], list[int]]:
    """The rows somebody filled (organisation or name or amount), with their page positions."""
    sent, positions = [], []
    for index, row in enumerate(rows):
        if not any(row.get(sub) for sub in ROW_FIELDS[kind]):
            continue
        item: dict[str, Any] = {
            "organisation_id": int(row["organisation_id"])
            if row.get("organisation_id", "").isdigit()
            else None,
            "name": row.get("name") or None,
        }
        if kind == "partners":
            item["role"] = row.get("role") or None
        else:
            try:
                item["amount"] = parse_amount(row.get("amount"))
            except FrenchInputError as exc:
                errors[f"{kind}.{index}.amount"] = [str(exc)]
                continue
        sent.append(item)
        positions.append(index)
    return sent, positions


def _organisation(typed: str, errors: dict) -> int | None:
    if typed.isdigit() and len(typed) <= 9:
        return int(typed)
    errors["organisation_id"] = [_("Choisissez la structure qui porte le dispositif.")]
    return None

"""The scheme form: what it shows, what was typed, and what the engine receives from it.

A `SchemeForm` keeps every value as typed (text), so a form sent back with errors shows the
user's input unchanged; `engine_data` turns it into the services' Python values, with the
French reading errors (dates, amounts, counts) of the fields it could not read.
"""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
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
from engine.records import fields
from web.ui.common import form_help, form_labels

# The form's fields by kind, in the order of the scheme field table (engine/records/fields.py).
FIELDS = fields.form_fields(fields.SCHEME_FIELDS)
TEXTS = fields.of_kind(FIELDS, *fields.TEXTS)
COUNTS = fields.of_kind(FIELDS, *fields.NUMBERS)
DATES = fields.of_kind(FIELDS, *fields.DATES)
LISTS = fields.of_kind(FIELDS, *fields.LISTS)
ROW_FIELDS = {
    "partners": ("organisation_id", "name", "role"),
    "funders": ("organisation_id", "name", "amount"),
}
EMPTY_ROWS = 3


def labels() -> dict[str, str]:
    """Return the form's labels in the page's language, by input name."""
    return form_labels(FIELDS)


def help_texts() -> dict[str, str]:
    """Return the hints under the form's fields in the page's language, by input name."""
    return form_help(FIELDS)


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

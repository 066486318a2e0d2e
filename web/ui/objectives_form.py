"""The forms of the objectives' pages: what was typed, read into what the engine takes, with the
French errors of what could not be read; a form sent back keeps everything typed."""

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.french.inputs import FrenchInputError, date_text, parse_date
from engine.models import Objective

_SPACES = re.compile(r"[\s\u00a0\u202f]")


@dataclass
class Posted:
    """One form of a page sent back: its name, what was typed, what was wrong."""

    form: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, form: str, name: str, default: Any = "") -> Any:
        return self.values.get(name, default) if form == self.form else default

    def chosen(self, form: str, name: str) -> list[str]:
        return self.lists.get(name, []) if form == self.form else []

    def errors_of(self, form: str, name: str) -> list[str]:
        return self.errors.get(name, []) if form == self.form else []

    def failed(self, form: str) -> bool:
        return form == self.form and bool(self.errors)


def posted(form: str, data: MultiDict, lists: tuple[str, ...] = ()) -> Posted:
    values = {k: v for k, v in data.items() if k not in lists}
    return Posted(form, values, {name: data.getlist(name) for name in lists})


def read(p: Posted, dates: tuple[str, ...], numbers: tuple[str, ...], ids: tuple[str, ...]):
    """Return what the engine takes from a posted form; unreadable fields go to `p.errors`."""
    data: dict[str, Any] = {}
    for name, typed in p.values.items():
        if name in ("csrf_token", "version"):
            continue
        text = (typed or "").strip()
        if name in dates:
            try:
                data[name] = parse_date(text)
            except FrenchInputError as exc:
                p.errors[name] = [_(str(exc))]
        elif name in numbers:
            data[name] = _number(text)
        elif name in ids:
            data[name] = int(text) if text.isdigit() and len(text) < 10 else None
        else:
            data[name] = text or None
    data.update({name: [v for v in chosen if v] for name, chosen in p.lists.items()})
    return data


def _number(text: str) -> str | None:
    """Read a French number ("1 250,5", "12 %", "3 000 €") as the engine's decimal text."""
    value = _SPACES.sub("", text).removesuffix("%").removesuffix("€").replace(",", ".")
    return value or None


def objective_form(objective: Objective) -> Posted:
    """The edit form filled with an objective's values."""
    return Posted(
        "objective",
        {
            "title": objective.title,
            "description": objective.description or "",
            "organisation_id": str(objective.organisation_id),
            "territory": objective.territory.cog if objective.territory else "",
            "target_date": date_text(objective.target_date),
        },
        {
            "themes": [t.code for t in objective.themes],
            "publics": [t.code for t in objective.publics],
        },
    )

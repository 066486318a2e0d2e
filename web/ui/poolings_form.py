"""The pooling creation form: the selected schemes, French amounts and dates, errors by field."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from engine.errors import NotFound
from engine.french.inputs import FrenchInputError, parse_amount, parse_date
from engine.models import Scheme
from engine.records import fields
from engine.records.registry import POOLABLE_STATES
from web.context import reading
from web.ui.common import form_help, form_labels
from web.ui.records import read_facts

TEXT_FIELDS = ("title", "rationale", "kind", "lead_organisation_id")
AMOUNTS = ("expected_budget", "expected_savings")
FIELDS = fields.form_fields(fields.POOLING_FIELDS)
NAMES = frozenset(f.form_name for f in FIELDS)


def labels() -> dict[str, str]:
    """Return the form's labels in the page's language, by input name."""
    return form_labels(FIELDS)


def help_texts() -> dict[str, str]:
    """Return the hints under the form's fields in the page's language, by input name."""
    return form_help(FIELDS)


@dataclass
class PoolingForm:
    """What the user typed, field by field, and the errors to show next to each field."""

    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return self.values.get(name, [] if name == "territories" else "")


@dataclass(frozen=True)
class Selection:
    """The schemes chosen in the inventory: those that may join, and why the others may not."""

    eligible: list[Scheme]
    refused: list[str]


def read_selection(raw_ids: list[str]) -> Selection:
    """Sort the chosen scheme ids into eligible schemes and French reasons for the others."""
    eligible, refused = [], []
    for raw in dict.fromkeys(raw_ids):
        scheme = _visible_scheme(raw)
        if scheme is None:
            refused.append(
                _("Le dispositif n°%(id)s est introuvable ou ne vous est pas accessible.", id=raw)
            )
        elif scheme.state not in POOLABLE_STATES:
            refused.append(_not_eligible(scheme))
        elif scheme.pooling_id is not None:
            refused.append(
                _("%(ref)s appartient déjà à une mutualisation approuvée.", ref=scheme.reference)
            )
        else:
            eligible.append(scheme)
    return Selection(eligible, refused)


def _visible_scheme(raw: str) -> Scheme | None:
    if not raw.isdigit() or len(raw) > 9:
        return None
    try:
        read_facts("scheme", int(raw))
    except NotFound:
        return None
    return reading().session.get(Scheme, int(raw))


def _not_eligible(scheme: Scheme) -> str:
    return _(
        "%(ref)s (« %(title)s ») ne peut pas être mutualisé : seuls les dispositifs examinés "
        "par le COTECH, proposés ou approuvés peuvent l'être.",
        ref=scheme.reference,
        title=scheme.title,
    )


def initial_form(selection: Selection) -> PoolingForm:
    """The form as first shown: the members' territories checked, each once."""
    territories = [t.cog for s in selection.eligible for t in s.territories]
    return PoolingForm({"territories": list(dict.fromkeys(territories)), "kind": ""})


def read_form(form) -> tuple[PoolingForm, dict[str, Any]]:
    """Read the posted form: what was typed, and the engine's data (amounts, dates parsed)."""
    typed = {name: form.get(name, "").strip() for name in (*TEXT_FIELDS, *AMOUNTS, "target_date")}
    typed["territories"] = form.getlist("territories")
    typed["scheme_ids"] = form.getlist("scheme_ids")
    result = PoolingForm(typed)
    data: dict[str, Any] = {key: typed[key] for key in ("title", "rationale", "kind")}
    data["lead_organisation_id"] = _integer(typed["lead_organisation_id"])
    data["scheme_ids"] = [int(i) for i in typed["scheme_ids"] if i.isdigit() and len(i) <= 9]
    if typed["territories"]:  # none checked: the engine takes the members' territories
        data["territories"] = typed["territories"]
    for name in AMOUNTS:
        amount = _parsed(result, name, parse_amount)
        data[name] = str(amount) if amount is not None else None
    target = _parsed(result, "target_date", parse_date)
    data["target_date"] = target.isoformat() if target else None
    return result, {k: v for k, v in data.items() if v not in (None, "")}


def _parsed(form: PoolingForm, name: str, parse):
    try:
        return parse(form.values[name])
    except FrenchInputError as exc:
        form.errors[name] = [_(str(exc))]
        return None


def _integer(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 9 else None


def engine_errors(form: PoolingForm, errors: dict[str, list[str]]) -> None:
    """Put the engine's refusals next to their field; the others on top of the form."""
    for key, messages in errors.items():
        name = key.split(".")[0]
        target = name if name in NAMES else "_form"
        form.errors.setdefault(target, []).extend(messages)

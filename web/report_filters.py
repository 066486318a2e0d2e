"""The time-in-state report's filters, read from a query string by the page and the API alike."""

from collections.abc import Collection, Mapping

from flask_babel import gettext as _

from engine.french.inputs import FrenchInputError, parse_date
from engine.queries.time_in_state import Filters

REPORT_ROLES = ("cotech", "copil", "admin")
TYPES = ("scheme", "pooling")
ARGS = ("type", "du", "au", "organisation")


def parse_report_filters(
    args: Mapping[str, str], organisation_ids: Collection[int]
) -> tuple[Filters, dict[str, list[str]], dict[str, str]]:
    """Read the filters; return them (the faulty ones left out), the errors by field, and the
    raw values to show back."""
    raw = {name: (args.get(name) or "").strip() for name in ARGS}
    errors: dict[str, list[str]] = {}
    kind = raw["type"] or "scheme"
    if kind not in TYPES:
        errors["type"] = [_("Type de dossier inconnu : « dispositifs » ou « mutualisations ».")]
        kind = "scheme"
    start, end = (_date(raw, name, errors) for name in ("du", "au"))
    if start and end and end < start:
        errors["au"] = [_("La fin de la période précède son début.")]
        end = None
    organisation_id = None
    if raw["organisation"]:
        if raw["organisation"].isdigit() and int(raw["organisation"]) in organisation_ids:
            organisation_id = int(raw["organisation"])
        else:
            errors["organisation"] = [_("Cette structure n'existe pas.")]
    return Filters(kind, start, end, organisation_id), errors, raw


def _date(raw: dict[str, str], name: str, errors: dict[str, list[str]]):
    try:
        return parse_date(raw[name])
    except FrenchInputError as bad:
        errors[name] = [str(bad)]
        return None

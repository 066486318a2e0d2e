"""The inventory list's query string: filters as parse_filter reads them, cursors, exports."""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from engine.models import Territory
from engine.queries.inventory import FilterChoices

LIST_FIELDS = ("states", "themes", "publics", "aid_types")
SCALAR_FIELDS = ("q", "territory", "organisation_id")
FILTER_FIELDS = {
    "states": _l("État"),
    "themes": _l("Thématiques"),
    "publics": _l("Publics cibles"),
    "aid_types": _l("Nature de l'aide"),
}
# Export format → (file extension, media type); the formats of engine.services.exports.
EXPORT_TYPES = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (".json", "application/json"),
    "dispositif-aide": ("-dispositif-aide.csv", "text/csv"),
}
EXPORT_LABELS = {
    "csv": _l("CSV (Excel)"),
    "xlsx": _l("Classeur XLSX"),
    "json": _l("JSON"),
    "dispositif-aide": _l("Format national dispositif-aide (approuvés)"),
}


def raw_filter(args: MultiDict) -> dict:
    """Return the filter fields of a query string as parse_filter reads them."""
    raw: dict = {name: args.getlist(name) for name in LIST_FIELDS if args.getlist(name)}
    for name in SCALAR_FIELDS:
        if args.get(name, "").strip():
            raw[name] = args[name]
    return raw


def filter_args(args: MultiDict) -> list[tuple[str, str]]:
    """Return the filters and sort of a query string, without the page cursor (for links)."""
    keep = (*LIST_FIELDS, *SCALAR_FIELDS, "sort")
    return [(k, v) for k, v in args.items(multi=True) if k in keep and v != ""]


def cursor(args: MultiDict, name: str) -> int | None:
    """Return a page cursor (a scheme id) from the query string; ignore anything else."""
    value = args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def list_url(query: list[tuple[str, str]], **cursor_arg: int) -> str:
    """Return the list's address with these filters and a page cursor (after= or before=)."""
    return url_for("inventory.index") + "?" + urlencode([*query, *cursor_arg.items()])


def export_links(query: list[tuple[str, str]]) -> list[tuple[str, dict]]:
    """Return, per export format, the download address of the list as filtered."""
    base = [(k, v) for k, v in query if k != "sort"]
    return [
        (fmt, {"label": EXPORT_LABELS[fmt], "url": _export_url(base, fmt)}) for fmt in EXPORT_TYPES
    ]


def _export_url(query: list[tuple[str, str]], fmt: str) -> str:
    return url_for("inventory.export") + "?" + urlencode([("format", fmt), *query])


def facet_options(choices: FilterChoices, state_labels: dict[str, str]) -> dict[str, list]:
    """Return (code, label) pairs for each checkbox group of the form."""
    options = {name: [(t.code, t.label_fr) for t in terms] for name, terms in choices.terms.items()}
    options["states"] = list(state_labels.items())
    return options


@dataclass(frozen=True)
class TerritoryGroup:
    label: str
    options: list[tuple[str, str]]


def territory_groups(territories: list[Territory]) -> list[TerritoryGroup]:
    """Group territories for the select: Martinique, then each EPCI followed by its communes."""
    groups = [
        TerritoryGroup(t.name, [(t.cog, _l("Toute la Martinique"))])
        for t in territories
        if t.kind == "department"
    ]
    for epci in (t for t in territories if t.kind == "epci"):
        communes = [(t.cog, t.name) for t in territories if t.epci_id == epci.id]
        whole = (
            epci.cog,
            _l("%(name)s (toute l'intercommunalité)", name=epci.short_name or epci.name),
        )
        groups.append(TerritoryGroup(epci.short_name or epci.name, [whole, *communes]))
    return groups

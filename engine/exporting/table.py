"""The inventory as rows of typed values, in the order of the French column headers.

Shared by the CSV and XLSX writers: numbers stay Decimal or int, dates stay dates, instants
become Martinique wall-clock time (what people read, and Excel has no time zones); lists are
joined with " ; ". Each writer then renders the types its own way.
"""

from datetime import datetime
from decimal import Decimal

from engine.clock import local
from engine.exporting.source import Inventory
from engine.models import PARTNER_ROLES, POOLING_KINDS, Pooling, Scheme
from engine.records.fields import (
    POOLING_COLUMNS,
    POOLING_FIELDS,
    REFERENCE,
    SCALARS,
    SCHEME_COLUMNS,
    SCHEME_FIELDS,
    header,
    of_kind,
)
from engine.records.representation import CENT, link_name

LIST_SEPARATOR = " ; "
# Kinds of field exported as the record's own column, unchanged.
OWN_KINDS = (*SCALARS, REFERENCE)


def scheme_headers() -> list[str]:
    """Return the French headers of the scheme columns."""
    return [header(name) for name in SCHEME_COLUMNS]


def pooling_headers() -> list[str]:
    """Return the French headers of the pooling columns."""
    return [header(name, POOLING_COLUMNS) for name in POOLING_COLUMNS]


def scheme_row(scheme: Scheme, inventory: Inventory) -> list:
    """Return a scheme's values in the order of its field table's columns."""
    values = scheme_values(scheme, inventory)
    return [values[name] for name in SCHEME_COLUMNS]


def scheme_values(scheme: Scheme, inventory: Inventory) -> dict[str, object]:
    """Return a scheme's exported values by field name."""
    organisation = scheme.organisation
    pooling = scheme.pooling_id
    own = {name: getattr(scheme, name) for name in of_kind(SCHEME_FIELDS, *OWN_KINDS)}
    return own | {
        "organisation": organisation.name,
        "organisation_siren": organisation.siren,
        "state": inventory.state_label(scheme),
        "themes": joined(t.label_fr for t in scheme.themes),
        "publics": joined(t.label_fr for t in scheme.publics),
        "aid_types": joined(t.label_fr for t in scheme.aid_types),
        "territories": joined(t.name for t in scheme.territories),
        "funders": joined(_funder(f) for f in scheme.funders),
        "partners": joined(
            f"{link_name(p)} ({PARTNER_ROLES[p.role].lower()})" for p in scheme.partners
        ),
        "pooling": inventory.pooling_reference(pooling) if pooling is not None else None,
        "created_at": wall_clock(scheme.created_at),
        "updated_at": wall_clock(scheme.updated_at),
    }


def pooling_row(pooling: Pooling, inventory: Inventory) -> list:
    """Return a pooling's values in the order of its field table's columns."""
    values = pooling_values(pooling, inventory)
    return [values[name] for name in POOLING_COLUMNS]


def pooling_values(pooling: Pooling, inventory: Inventory) -> dict[str, object]:
    """Return a pooling's exported values by field name."""
    lead = pooling.lead_organisation
    own = {name: getattr(pooling, name) for name in of_kind(POOLING_FIELDS, *OWN_KINDS)}
    return own | {
        "state": inventory.state_label(pooling),
        "kind": POOLING_KINDS.get(pooling.kind, pooling.kind),
        "lead_organisation": lead.name if lead is not None else None,
        "members": joined(m.reference for m in pooling.members),
        "territories": joined(t.name for t in pooling.territories),
    }


def joined(values) -> str | None:
    """Join a list's values with " ; "; None for an empty list, like any empty cell."""
    return LIST_SEPARATOR.join(values) or None


def wall_clock(instant: datetime | None) -> datetime | None:
    """Return an aware instant as naive Martinique time, or None."""
    return None if instant is None else local(instant).replace(tzinfo=None)


def french_decimal(amount: Decimal) -> str:
    """Write an amount with two decimals, a comma and no thousands separator: "12500,50"."""
    return str(amount.quantize(CENT)).replace(".", ",")


def _funder(funder) -> str:
    name = link_name(funder)
    return name if funder.amount is None else f"{name} ({french_decimal(funder.amount)} €)"

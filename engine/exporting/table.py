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
from engine.records.fields import POOLING_COLUMNS, SCHEME_COLUMNS, header
from engine.records.representation import CENT, link_name

LIST_SEPARATOR = " ; "


def scheme_headers() -> list[str]:
    """Return the French headers of the scheme columns."""
    return [header(name) for name in SCHEME_COLUMNS]


def pooling_headers() -> list[str]:
    """Return the French headers of the pooling columns."""
    return [header(name, POOLING_COLUMNS) for name in POOLING_COLUMNS]


def scheme_row(scheme: Scheme, inventory: Inventory) -> list:
    """Return a scheme's values in SCHEME_COLUMNS order."""
    organisation = scheme.organisation
    pooling = scheme.pooling_id
    return [
        scheme.reference,
        scheme.title,
        organisation.name,
        organisation.siren,
        inventory.state_label(scheme),
        scheme.summary,
        scheme.description,
        joined(t.label_fr for t in scheme.themes),
        joined(t.label_fr for t in scheme.publics),
        scheme.age_min,
        scheme.age_max,
        joined(t.label_fr for t in scheme.aid_types),
        joined(t.name for t in scheme.territories),
        scheme.annual_budget,
        joined(_funder(f) for f in scheme.funders),
        joined(f"{link_name(p)} ({PARTNER_ROLES[p.role].lower()})" for p in scheme.partners),
        scheme.capacity,
        scheme.beneficiaries_last_year,
        scheme.start_date,
        scheme.end_date,
        scheme.eligibility,
        scheme.legal_basis,
        scheme.contact_name,
        scheme.contact_email,
        scheme.contact_phone,
        scheme.url,
        scheme.decision_reference,
        inventory.pooling_reference(pooling) if pooling is not None else None,
        wall_clock(scheme.created_at),
        wall_clock(scheme.updated_at),
    ]


def pooling_row(pooling: Pooling, inventory: Inventory) -> list:
    """Return a pooling's values in POOLING_COLUMNS order."""
    lead = pooling.lead_organisation
    return [
        pooling.reference,
        pooling.title,
        inventory.state_label(pooling),
        POOLING_KINDS.get(pooling.kind, pooling.kind),
        lead.name if lead is not None else None,
        joined(m.reference for m in pooling.members),
        pooling.rationale,
        joined(t.name for t in pooling.territories),
        pooling.expected_budget,
        pooling.expected_savings,
        pooling.target_date,
        pooling.decision_reference,
        pooling.decision_date,
        pooling.decision_conditions,
    ]


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

"""Schemes and poolings as the REST API and the JSON export represent them: JSON-native dicts.

Money is a string with two decimals ("12500.50"), never a float, so no cent is lost on the way;
instants are ISO 8601 in UTC ("2026-11-25T20:46:00Z"); vocabularies are codes, territories COG
codes. The related objects are read through the relationships: load them eagerly first.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine.models import Organisation, Pooling, Scheme

CENT = Decimal("0.01")


def scheme_dict(scheme: Scheme) -> dict[str, Any]:
    """Return a scheme as the API represents it."""
    return {
        "id": scheme.id,
        "reference": scheme.reference,
        "uuid": str(scheme.uuid),
        "state": scheme.state,
        "version": scheme.version,
        "workflow": {"name": scheme.workflow_name, "version": scheme.workflow_version},
        "title": scheme.title,
        "summary": scheme.summary,
        "description": scheme.description,
        "organisation": organisation_dict(scheme.organisation),
        "partners": [
            {"organisation_id": p.organisation_id, "name": link_name(p), "role": p.role}
            for p in scheme.partners
        ],
        "themes": [t.code for t in scheme.themes],
        "publics": [t.code for t in scheme.publics],
        "aid_types": [t.code for t in scheme.aid_types],
        "age_min": scheme.age_min,
        "age_max": scheme.age_max,
        "territories": [t.cog for t in scheme.territories],
        "annual_budget": money(scheme.annual_budget),
        "funders": [
            {"organisation_id": f.organisation_id, "name": link_name(f), "amount": money(f.amount)}
            for f in scheme.funders
        ],
        "capacity": scheme.capacity,
        "beneficiaries_last_year": scheme.beneficiaries_last_year,
        "start_date": iso_date(scheme.start_date),
        "end_date": iso_date(scheme.end_date),
        "eligibility": scheme.eligibility,
        "legal_basis": scheme.legal_basis,
        "contact_name": scheme.contact_name,
        "contact_email": scheme.contact_email,
        "contact_phone": scheme.contact_phone,
        "url": scheme.url,
        "decision_reference": scheme.decision_reference,
        "pooling_id": scheme.pooling_id,
        "created_at": iso_instant(scheme.created_at),
        "updated_at": iso_instant(scheme.updated_at),
    }


def pooling_dict(pooling: Pooling) -> dict[str, Any]:
    """Return a pooling as the API represents it."""
    lead = pooling.lead_organisation
    return {
        "id": pooling.id,
        "reference": pooling.reference,
        "state": pooling.state,
        "version": pooling.version,
        "workflow": {"name": pooling.workflow_name, "version": pooling.workflow_version},
        "title": pooling.title,
        "rationale": pooling.rationale,
        "kind": pooling.kind,
        "lead_organisation": organisation_dict(lead) if lead is not None else None,
        "members": [{"id": m.id, "reference": m.reference} for m in pooling.members],
        "territories": [t.cog for t in pooling.territories],
        "expected_budget": money(pooling.expected_budget),
        "expected_savings": money(pooling.expected_savings),
        "target_date": iso_date(pooling.target_date),
        "decision_reference": pooling.decision_reference,
        "decision_date": iso_date(pooling.decision_date),
        "decision_conditions": pooling.decision_conditions,
        "created_at": iso_instant(pooling.created_at),
        "updated_at": iso_instant(pooling.updated_at),
    }


def organisation_dict(organisation: Organisation) -> dict[str, Any]:
    """Return the short form of an organisation: id, name, SIREN."""
    return {"id": organisation.id, "name": organisation.name, "siren": organisation.siren}


def money(amount: Decimal | None) -> str | None:
    """Return an amount in euros as a string with two decimals ("12500.50"), or None."""
    return None if amount is None else str(amount.quantize(CENT))


def iso_date(value: date | None) -> str | None:
    """Return a date as YYYY-MM-DD, or None."""
    return None if value is None else value.isoformat()


def iso_instant(value: datetime | None) -> str | None:
    """Return an aware instant in UTC as YYYY-MM-DDTHH:MM:SSZ, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_name(link) -> str | None:
    """Return a partner's or funder's name: its organisation's when linked, else the free one."""
    return link.organisation.name if link.organisation is not None else link.name

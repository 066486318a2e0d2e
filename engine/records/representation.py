"""Schemes and poolings as the REST API and the JSON export represent them: JSON-native dicts.

Money is a string with two decimals ("12500.50"), never a float, so no cent is lost on the way;
instants are ISO 8601 in UTC ("2026-11-25T20:46:00Z"); vocabularies are codes, territories COG
codes. `scheme_dict` and `pooling_dict` read ORM objects through their relationships (load them
eagerly first); each record type's `Shape` reads the same representation from Core rows, which
`engine.records.batch.read_records` uses on the API's hot path.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from engine.models import (
    Organisation,
    Pooling,
    Scheme,
    SchemeFunder,
    SchemePartner,
    Territory,
    VocabularyTerm,
)
from engine.models.pooling import pooling_member, pooling_territory
from engine.models.scheme import (
    Money,
    scheme_aid_type,
    scheme_public,
    scheme_territory,
    scheme_theme,
)
from engine.models.territory import COG_PREFIX

CENT = Decimal("0.01")


def scheme_dict(scheme: Scheme) -> dict[str, Any]:
    """Return a scheme as the API represents it."""
    links = {
        "partners": [
            {"organisation_id": p.organisation_id, "name": link_name(p), "role": p.role}
            for p in scheme.partners
        ],
        "themes": [t.code for t in scheme.themes],
        "publics": [t.code for t in scheme.publics],
        "aid_types": [t.code for t in scheme.aid_types],
        "territories": [t.cog for t in scheme.territories],
        "funders": [
            {"organisation_id": f.organisation_id, "name": link_name(f), "amount": money(f.amount)}
            for f in scheme.funders
        ],
    }
    return _scheme_body(scheme, organisation_dict(scheme.organisation), links)


def _scheme_body(scheme: Any, organisation: dict[str, Any], links: dict[str, list]) -> dict:
    """A scheme's representation from its columns (an ORM object or a row) and its links."""
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
        "organisation": organisation,
        "partners": links["partners"],
        "themes": links["themes"],
        "publics": links["publics"],
        "aid_types": links["aid_types"],
        "age_min": scheme.age_min,
        "age_max": scheme.age_max,
        "territories": links["territories"],
        "annual_budget": money(scheme.annual_budget),
        "funders": links["funders"],
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
    links = {
        "members": [{"id": m.id, "reference": m.reference} for m in pooling.members],
        "territories": [t.cog for t in pooling.territories],
    }
    return _pooling_body(pooling, organisation_dict(lead) if lead is not None else None, links)


def _pooling_body(pooling: Any, lead: dict[str, Any] | None, links: dict[str, list]) -> dict:
    """A pooling's representation from its columns (an ORM object or a row) and its links."""
    return {
        "id": pooling.id,
        "reference": pooling.reference,
        "state": pooling.state,
        "version": pooling.version,
        "workflow": {"name": pooling.workflow_name, "version": pooling.workflow_version},
        "title": pooling.title,
        "rationale": pooling.rationale,
        "kind": pooling.kind,
        "lead_organisation": lead,
        "members": links["members"],
        "territories": links["territories"],
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


# ---- the same representation read with Core: the API's hot path --------------------------------

# The columns every branch of a record's links statement has (a UNION ALL over its link tables):
# which collection (`link`), whose (`owner`), the order within it, and what an item shows.
LINK_COLUMNS = (
    ("link", Integer),
    ("owner", Integer),
    ("sort_int", Integer),
    ("sort_text", String),
    ("ref_id", Integer),  # a partner's or funder's organisation, a member scheme
    ("code", String),  # a vocabulary code, a territory code, a role, a member's reference
    ("name", String),  # a free name, a territory's kind
    ("org_name", String),
    ("amount", Money),
)


def _scheme_row_body(row: Any, links: dict[str, list]) -> dict[str, Any]:
    organisation = {"id": row.org_id, "name": row.org_name, "siren": row.org_siren}
    return _scheme_body(row, organisation, links)


def _pooling_row_body(row: Any, links: dict[str, list]) -> dict[str, Any]:
    lead = None
    if row.org_id is not None:
        lead = {"id": row.org_id, "name": row.org_name, "siren": row.org_siren}
    return _pooling_body(row, lead, links)


def _branch(link: int, from_clause, owner, **values) -> Select:
    columns = []
    for name, type_ in LINK_COLUMNS:
        if name == "link":
            value = type_coerce(literal_column(str(link)), type_)
        elif name == "owner" or name in values:
            value = type_coerce(owner if name == "owner" else values[name], type_)
        else:
            # Typed: PostgreSQL reads a union of bare NULLs as text.
            value = cast(null(), type_)
        columns.append(value.label(name))
    return (
        select(*columns).select_from(from_clause).where(owner.in_(bindparam("ids", expanding=True)))
    )


def _vocabulary_branch(link: int, table) -> Select:
    v = VocabularyTerm.__table__
    return _branch(
        link,
        table.join(v, v.c.id == table.c.vocabulary_term_id),
        table.c.scheme_id,
        sort_int=v.c.position,
        sort_text=v.c.code,
        code=v.c.code,
    )


def _territory_branch(link: int, table, owner: str) -> Select:
    t = Territory.__table__
    return _branch(
        link,
        table.join(t, t.c.id == table.c.territory_id),
        table.c[owner],
        sort_text=t.c.code,
        code=t.c.code,
        name=t.c.kind,
    )


def _organisation_branch(link: int, table, **values) -> Select:
    org = Organisation.__table__
    return _branch(
        link,
        table.outerjoin(org, org.c.id == table.c.organisation_id),
        table.c.scheme_id,
        sort_int=table.c.id,
        ref_id=table.c.organisation_id,
        name=table.c.name,
        org_name=org.c.name,
        **values,
    )


def _member_branch(link: int) -> Select:
    s = Scheme.__table__
    return _branch(
        link,
        pooling_member.join(s, s.c.id == pooling_member.c.scheme_id),
        pooling_member.c.pooling_id,
        sort_text=s.c.reference,
        ref_id=s.c.id,
        code=s.c.reference,
    )


def _cog(row: Any) -> str:
    return f"{COG_PREFIX[row.name]}-{row.code}"


def _code(row: Any) -> str:
    return row.code


def _partner(row: Any) -> dict[str, Any]:
    return {"organisation_id": row.ref_id, "name": _row_link_name(row), "role": row.code}


def _funder(row: Any) -> dict[str, Any]:
    amount = money(row.amount)
    return {"organisation_id": row.ref_id, "name": _row_link_name(row), "amount": amount}


def _member(row: Any) -> dict[str, Any]:
    return {"id": row.ref_id, "reference": row.code}


def _row_link_name(row: Any) -> str | None:
    # As link_name: the organisation's name when one is linked, else the free name.
    return row.org_name if row.ref_id is not None else row.name


@dataclass(frozen=True)
class Collection:
    """One collection of a record: its name in the body, its branch of the links statement
    (given its number), and how to read one of its items from a row of that statement."""

    name: str
    branch: Callable[[int], Select]
    item: Callable[[Any], Any]


@dataclass(frozen=True, eq=False)
class Shape:
    """How a record type is represented: its body from a row and its collections, and the one
    statement that reads every collection of many records at once."""

    body: Callable[[Any, dict[str, list]], dict[str, Any]]
    collections: tuple[Collection, ...]

    @cached_property
    def links_statement(self):
        """Every collection of the records ``ids`` in one UNION ALL, in each collection's order."""
        branches = [c.branch(number) for number, c in enumerate(self.collections)]
        order = [literal_column(name) for name in ("link", "owner", "sort_int", "sort_text")]
        return union_all(*branches).order_by(*order)

    def read_links(self, conn: Connection, ids: list[int]) -> dict[int, dict[str, list]]:
        """Return each record's collections, by record id and collection name."""
        out = {ident: {c.name: [] for c in self.collections} for ident in ids}
        if not self.collections:
            return out
        for row in conn.execute(self.links_statement, {"ids": ids}):
            collection = self.collections[row.link]
            out[row.owner][collection.name].append(collection.item(row))
        return out


_PARTNER, _FUNDER = SchemePartner.__table__, SchemeFunder.__table__

SCHEME_SHAPE = Shape(
    _scheme_row_body,
    (
        Collection("themes", partial(_vocabulary_branch, table=scheme_theme), _code),
        Collection("publics", partial(_vocabulary_branch, table=scheme_public), _code),
        Collection("aid_types", partial(_vocabulary_branch, table=scheme_aid_type), _code),
        Collection(
            "territories",
            partial(_territory_branch, table=scheme_territory, owner="scheme_id"),
            _cog,
        ),
        Collection(
            "partners",
            partial(_organisation_branch, table=_PARTNER, code=_PARTNER.c.role),
            _partner,
        ),
        Collection(
            "funders",
            partial(_organisation_branch, table=_FUNDER, amount=_FUNDER.c.amount),
            _funder,
        ),
    ),
)
POOLING_SHAPE = Shape(
    _pooling_row_body,
    (
        Collection("members", _member_branch, _member),
        Collection(
            "territories",
            partial(_territory_branch, table=pooling_territory, owner="pooling_id"),
            _cog,
        ),
    ),
)


def _meeting_row_body(row: Any, links: dict[str, list]) -> dict[str, Any]:
    return {
        "id": row.id,
        "reference": row.reference,
        "committee": row.committee,
        "title": row.title,
        "starts_at": iso_instant(row.starts_at),
        "place": row.place,
        "secretary_id": row.secretary_id,
        "state": row.state,
        "version": row.version,
    }


MEETING_SHAPE = Shape(_meeting_row_body, ())


def _objective_row_body(row: Any, links: dict[str, list]) -> dict[str, Any]:
    return {
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "description": row.description,
        "organisation_id": row.organisation_id,
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "state": row.state,
        "version": row.version,
    }


OBJECTIVE_SHAPE = Shape(_objective_row_body, ())

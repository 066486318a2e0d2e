"""Many records read at once as the API represents them, with their facts: two statements."""

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from engine.models import Organisation
from engine.records.registry import RecordFacts, record_type


def read_records(
    conn: Connection, kind: str, ids: Sequence[int]
) -> list[tuple[dict[str, Any], RecordFacts]]:
    """Read records as `scheme_dict`/`pooling_dict` represent them, with their facts.

    Two prebuilt statements whatever the number of records: the rows (columns, organisation,
    and the facts the rules need), then every collection of every record at once. Records come
    back in the order of `ids`; an id that matches no record is left out.
    """
    if not ids:
        return []
    rows = conn.execute(_rows_statement(kind), {"ids": list(ids)}).all()
    if not rows:
        return []
    rtype = record_type(kind)
    links = rtype.shape.read_links(conn, [row.id for row in rows])
    by_id = {row.id: row for row in rows}
    return [
        (rtype.shape.body(by_id[ident], links[ident]), rtype.facts(by_id[ident]))
        for ident in ids
        if ident in by_id
    ]


@cache
def _rows_statement(kind: str) -> Select:
    """The records' rows by ``ids``: every column, the facts' columns, the organisation."""
    rtype = record_type(kind)
    t, org = rtype.table, Organisation.__table__
    facts = rtype.facts_columns()
    taken = {column.name for column in facts} | {"search_text"}
    return (
        select(
            *facts,
            *(column for column in t.c if column.name not in taken),
            org.c.id.label("org_id"),
            org.c.name.label("org_name"),
            org.c.siren.label("org_siren"),
        )
        .select_from(t.outerjoin(org, org.c.id == t.c[rtype.organisation_column]))
        .where(t.c.id.in_(bindparam("ids", expanding=True)))
    )

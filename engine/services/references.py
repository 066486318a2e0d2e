"""Record references (DSP-2026-0042): one counter per prefix and year, never reused."""

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.models.counter import ReferenceCounter

_table = ReferenceCounter.__table__


def next_reference(conn: Connection, prefix: str, year: int) -> str:
    """Take the next number of `prefix` for `year` in this transaction and format the reference."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(_table)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"last": _table.c.last + 1})
        .returning(_table.c.last)
    )
    number = conn.execute(stmt).scalar_one()
    return f"{prefix}-{year}-{number:04d}"

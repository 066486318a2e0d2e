"""Record references (DSP-2026-0042): one counter per prefix and year, never reused."""

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.models.counter import ReferenceCounter

_table = ReferenceCounter.__table__


def next_reference(conn: Connection, prefix: str, year: int) -> str:
    """Take the next number of `prefix` for `year` in this transaction and format the reference."""
    return reserve_references(conn, prefix, year, 1)[0]


def reserve_references(conn: Connection, prefix: str, year: int, count: int) -> list[str]:
    """Take the next `count` numbers of `prefix` for `year` at once (imports) and format them."""
    if count < 1:
        return []
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(_table)
        .values(prefix=prefix, year=year, last=count)
        .on_conflict_do_update(
            index_elements=["prefix", "year"], set_={"last": _table.c.last + count}
        )
        .returning(_table.c.last)
    )
    last = conn.execute(stmt).scalar_one()
    return [f"{prefix}-{year}-{number:04d}" for number in range(last - count + 1, last + 1)]

"""A unit of work opened for reads: no transaction block on PostgreSQL, and no writes."""

import pytest
from sqlalchemy import select

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import Territory


def _in_transaction_block(uow: UnitOfWork) -> bool:
    uow.session.scalars(select(Territory.code).limit(1)).all()
    dbapi = uow.connection.connection.dbapi_connection
    return dbapi.info.transaction_status != 0  # psycopg: 0 is IDLE, outside any BEGIN


@pytest.mark.postgresql
def test_reads_on_postgresql_skip_begin_and_rollback(world) -> None:
    if not world.db.is_postgresql:
        pytest.skip("PostgreSQL only: ran in the PostgreSQL run")
    with UnitOfWork(world.db, autocommit_reads=True) as reading:
        assert not _in_transaction_block(reading)
    with UnitOfWork(world.db) as ordinary:
        assert _in_transaction_block(ordinary)


def test_a_unit_of_work_opened_for_reads_refuses_to_write(world) -> None:
    with UnitOfWork(world.db, autocommit_reads=True) as reading:
        if world.db.is_postgresql:
            with pytest.raises(RuntimeError):
                reading.begin_write()
        else:  # SQLite keeps its ordinary transactions: the flag changes nothing there
            reading.begin_write()


def test_the_pool_gives_back_ordinary_connections_after_a_read(db: Database, world) -> None:
    with UnitOfWork(db, autocommit_reads=True) as reading:
        reading.session.scalars(select(Territory.code).limit(1)).all()
    with UnitOfWork(db) as writing:
        conn = writing.begin_write()
        assert conn.in_transaction()
        if db.is_postgresql:
            assert not conn.connection.dbapi_connection.autocommit

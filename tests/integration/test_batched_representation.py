"""read_records (Core, two statements for any number of records) says what the ORM path says."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engine.db.uow import UnitOfWork
from engine.exporting.source import SCHEME_LOADS
from engine.models import Pooling, Scheme
from engine.records.batch import read_records
from engine.records.registry import RECORD_TYPES
from engine.records.representation import pooling_dict, scheme_dict
from engine.services.common import load_facts
from tests.factories import World
from tests.integration.export_data import varied_inventory

POOLING_LOADS = (
    joinedload(Pooling.lead_organisation),
    selectinload(Pooling.members),
    selectinload(Pooling.territories),
)


def _orm_bodies(uow: UnitOfWork, kind: str) -> dict[int, dict]:
    if kind == "scheme":
        records = uow.session.scalars(select(Scheme).options(*SCHEME_LOADS))
        return {s.id: scheme_dict(s) for s in records}
    records = uow.session.scalars(select(Pooling).options(*POOLING_LOADS))
    return {p.id: pooling_dict(p) for p in records}


def _check_kind(world: World, kind: str) -> int:
    with UnitOfWork(world.db) as uow:
        expected = _orm_bodies(uow, kind)
        # Reversed, with an id that matches nothing: the order of `ids` is kept, misses left out.
        ids = [*sorted(expected, reverse=True), 999_999]
        found = read_records(uow.connection, kind, ids)
        assert [body["id"] for body, _ in found] == ids[:-1]
        for body, facts in found:
            assert body == expected[body["id"]]
            assert facts == load_facts(uow.connection, RECORD_TYPES[kind], facts.id, lock=False)
    return len(found)


def test_schemes_read_with_core_are_the_orm_representation(world: World) -> None:
    varied_inventory(world)  # partners and funders with and without organisations, amounts…
    world.scheme("draft", complete=False, title="Sans rien")
    assert _check_kind(world, "scheme") == 7


def test_poolings_read_with_core_are_the_orm_representation(world: World) -> None:
    world.pooling("approved")
    world.pooling("recorded")
    assert _check_kind(world, "pooling") == 2


def test_no_ids_reads_nothing(world: World) -> None:
    with UnitOfWork(world.db) as uow:
        assert read_records(uow.connection, "scheme", []) == []

"""available_transitions_many gives, record by record, what available_transitions gives."""

import pytest

from engine.db.uow import UnitOfWork
from engine.errors import NotFound
from engine.records.registry import RECORD_TYPES
from engine.rules.policy import SYSTEM
from engine.services.common import load_facts
from engine.services.transitions import available_transitions, available_transitions_many
from tests.factories import PATHS, World


def _facts(world: World, refs) -> list:
    with UnitOfWork(world.db) as uow:
        return [load_facts(uow.connection, RECORD_TYPES[r.kind], r.id, lock=False) for r in refs]


def test_a_page_of_varied_records_gets_each_its_own_options(world: World) -> None:
    refs = [world.scheme(state) for state in PATHS]
    refs += [world.scheme("draft", complete=False, title="Incomplet")]
    refs += [world.scheme("recorded", title="Autre")]  # submitted by the owner too
    refs += [world.pooling("recorded"), world.pooling("proposed")]
    facts = _facts(world, refs)
    for key, actor in world.actors.items():
        visible = []
        for one in facts:
            try:
                visible.append((one, available_transitions(one, actor)))
            except NotFound:
                continue
        batched = available_transitions_many([one for one, _ in visible], actor)
        assert [list(options) for options in batched] == [e for _, e in visible], key
    # Records alike share one computation (and one tuple).
    recorded = [f for f in facts if f.state == "recorded" and f.kind == "scheme"]
    first, second = available_transitions_many(recorded, world.actors["cotech"])
    assert first is second


def test_a_record_the_actor_may_not_see_is_not_found_in_a_batch_too(world: World) -> None:
    draft = _facts(world, [world.scheme("draft")])
    with pytest.raises(NotFound):
        available_transitions_many(draft, world.actors["cotech"])
    assert available_transitions_many([], SYSTEM) == []

"""A pooling's life when its members change under it."""

import pytest

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.models import Pooling
from engine.services.records import edit_record


def test_a_pooling_sent_back_with_a_rejected_member_can_be_mended_and_approved(world):
    kept, dropped, replacement = (
        world.scheme("reviewed", title=t)
        for t in ("Médiation Nord", "Médiation Sud", "Médiation Centre")
    )
    pooling = world.pooling("proposed", members=[kept, dropped])
    world.fire(dropped, "reject", "cotech", {"comment": "Le dispositif s'arrête en juin."})

    with pytest.raises(InvalidInput) as refused:
        world.fire(pooling, "approve", "copil", {"decision_reference": "COPIL n°5"})
    assert "members" in refused.value.errors

    world.fire(pooling, "send_back", "copil", {"comment": "Un membre n'est plus retenu."})
    with UnitOfWork(world.db) as uow:
        edit_record(uow, pooling, {"scheme_ids": [kept.id, replacement.id]}, world.actors["cotech"])
    for name, who in (("review", "cotech2"), ("propose", "cotech2")):
        world.fire(pooling, name, who)
    result = world.fire(pooling, "approve", "copil", {"decision_reference": "COPIL n°6"})

    assert result.to_state == "approved"
    with UnitOfWork(world.db) as uow:
        members = uow.session.get(Pooling, pooling.id).members
        assert sorted(m.id for m in members) == sorted([kept.id, replacement.id])
        assert all(m.pooling_id == pooling.id for m in members)


def test_a_closed_scheme_is_refused_as_a_member_with_the_reason(world):
    closed = world.scheme("rejected", title="Ancien dispositif")
    pooling = world.pooling("recorded")
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        edit_record(
            uow,
            pooling,
            {"scheme_ids": [closed.id, world.scheme("reviewed").id]},
            world.actors["cotech"],
        )
    assert "est clos (non retenu ou retiré)" in refused.value.errors["scheme_ids"][0]

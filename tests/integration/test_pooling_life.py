"""A pooling's life when its members change under it."""

import pytest

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.models import Pooling
from engine.services.records import edit_record
from tests.factories import in_session


def test_a_pooling_sent_back_with_a_rejected_member_can_be_mended_and_approved(world):
    kept, dropped, replacement = (
        world.scheme("reviewed", title=t)
        for t in ("Médiation Nord", "Médiation Sud", "Médiation Centre")
    )
    pooling = world.pooling("proposed", members=[kept, dropped])
    world.fire(dropped, "reject", "cotech", {"comment": "Le dispositif s'arrête en juin."})

    with pytest.raises(InvalidInput) as refused:
        inputs = {"decision_reference": "COPIL-2026-01/D05"}
        world.fire(pooling, "approve", "copil", inputs, session=in_session("COPIL-2026-01/D05"))
    assert "members" in refused.value.errors

    world.decide(pooling, "send_back", comment="Un membre n'est plus retenu.")
    with UnitOfWork(world.db) as uow:
        edit_record(uow, pooling, {"scheme_ids": [kept.id, replacement.id]}, world.actors["cotech"])
    for name, who in (("review", "cotech2"), ("propose", "cotech2")):
        world.fire(pooling, name, who)
    number = world.decide(pooling, "approve")

    with UnitOfWork(world.db) as uow:
        approved = uow.session.get(Pooling, pooling.id)
        assert (approved.state, approved.decision_reference) == ("approved", number)
        members = approved.members
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

"""The audit log keeps a draft's events with those who may see the draft, until it is submitted."""

from datetime import date

import pytest

from engine.db.uow import UnitOfWork
from engine.errors import NotPermitted
from engine.services.committee_notes import add_note
from engine.services.events import EventFilter, find_events
from engine.services.log_pages import page_events
from engine.services.opinions import OpinionRequest, request_opinion
from tests.factories import World, add_experts


def _scheme_ids_in_log(world: World, key: str) -> set[int]:
    with UnitOfWork(world.db) as uow:
        _, events = find_events(uow, world.actors[key], EventFilter(record_type="scheme"), 0, 500)
        return {event.record_id for event in events}


def _scheme_ids_on_log_page(world: World, key: str) -> set[int]:
    with UnitOfWork(world.db) as uow:
        page = page_events(uow, world.actors[key], EventFilter(record_type="scheme"), limit=500)
        return {event.record_id for event in page.events}


def test_committees_do_not_read_a_drafts_history(world: World) -> None:
    draft = world.scheme("draft", title="Brouillon confidentiel")
    submitted = world.scheme("recorded", title="Dispositif soumis")
    for read in (_scheme_ids_in_log, _scheme_ids_on_log_page):
        for key in ("cotech", "copil"):
            assert read(world, key) == {submitted.id}
        assert read(world, "admin") == {draft.id, submitted.id}


def test_a_drafts_history_becomes_readable_once_submitted(world: World) -> None:
    draft = world.scheme("draft")
    assert draft.id not in _scheme_ids_in_log(world, "cotech")
    world.fire(draft, "submit", "owner")
    assert draft.id in _scheme_ids_in_log(world, "cotech")


def test_an_owner_who_is_also_in_a_committee_reads_their_organisations_drafts(
    world: World,
) -> None:
    member = world.add_user("cotech_owner", ["cotech", "owner"], world.organisation_id)
    world.actors["cotech_owner"] = member
    draft = world.scheme("draft")
    assert draft.id in _scheme_ids_in_log(world, "cotech_owner")


def test_opinion_and_note_events_are_read_by_the_committees_never_by_owners(world: World) -> None:
    from_experts = add_experts(world)
    scheme = world.scheme("recorded")
    with UnitOfWork(world.db) as uow:
        request_opinion(
            uow,
            scheme,
            world.actors["cotech"],
            OpinionRequest(from_experts.police_id, "Question", date(2099, 1, 1)),
        )
    with UnitOfWork(world.db) as uow:
        add_note(uow, scheme, world.actors["copil"], "Note privée")
    for key in ("cotech", "copil", "admin"):
        with UnitOfWork(world.db) as uow:
            _, events = find_events(uow, world.actors[key], EventFilter(), 0, 500)
        assert {"opinion", "committee_note"} <= {e.record_type for e in events}, key
    for key in ("owner", "police", "secretary"):
        with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
            find_events(uow, world.actors[key], EventFilter(record_type="committee_note"), 0, 9)
    with UnitOfWork(world.db) as uow:
        _, own = find_events(
            uow,
            world.actors["cotech"],
            EventFilter(record_type="scheme", record_id=scheme.id),
            0,
            500,
        )
    assert all(e.comment != "Note privée" for e in own)

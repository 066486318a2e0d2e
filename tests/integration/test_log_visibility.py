"""The audit log keeps a draft's events with those who may see the draft, until it is submitted."""

from engine.db.uow import UnitOfWork
from engine.services.events import EventFilter, find_events
from engine.services.log_pages import page_events
from tests.factories import World


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

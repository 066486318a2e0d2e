"""The request's context: every unit of work the web builds runs on the application's clock."""

from datetime import UTC, timedelta

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from tests.factories import Clock
from web.context import CLOCK, clock, reading

SCHEMES = "/api/v1/schemes"


def _times(world, record_id: int) -> dict[str, object]:
    with UnitOfWork(world.db) as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_type == "scheme", AuditEvent.record_id == record_id
            )
        )
        return {e.action: _aware(e.occurred_at) for e in rows}


def _aware(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _apps_own_clock(app, test_clock) -> Clock:
    # Two days ahead of the test clock, so that an event on either clock tells which it was.
    own = Clock(test_clock.now + timedelta(days=2))
    app.config[CLOCK] = own
    return own


def test_api_writes_and_transitions_take_the_apps_clock(world, app, api, test_clock):
    own = _apps_own_clock(app, test_clock)
    created = api["owner"].post(
        SCHEMES, json={"title": "Horloge", "organisation_id": world.organisation_id}
    )
    assert created.status_code == 201, created.json
    scheme_id, version = created.json["id"], created.json["version"]
    done = api["owner"].patch(f"{SCHEMES}/{scheme_id}", json={"version": version, "summary": "R"})
    assert done.status_code == 200, done.json
    times = _times(world, scheme_id)
    assert set(times.values()) == {own.now}, times


def test_interface_transitions_take_the_apps_clock(world, app, ui, test_clock):
    ref = world.scheme("draft")
    own = _apps_own_clock(app, test_clock)
    owner = ui("owner")
    version = owner.get(f"/dispositifs/{ref.id}").get_data(as_text=True)
    version = version.split('name="version" value="')[1].split('"')[0]
    response = owner.post(f"/dispositifs/{ref.id}/transitions/submit", data={"version": version})
    assert response.status_code == 303
    assert _times(world, ref.id)["submit"] == own.now


def test_the_default_clock_is_the_engines_looked_up_at_each_call(app, test_clock):
    # The test suite puts its clock in place of engine.clock.utcnow: the app must follow it.
    with app.test_request_context("/"):
        assert clock()() == test_clock.now
        test_clock.advance(hours=5)
        assert clock()() == test_clock.now
        assert reading().clock() == test_clock.now

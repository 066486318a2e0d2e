"""Time in state: stays and lead times of a hand-made history, medians and 90th percentiles
computed by hand; the percentiles agree with Python's and PostgreSQL's percentile_cont."""

import random
import statistics
from datetime import timedelta

import pytest
from sqlalchemy import func, literal, select, union_all, update

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import Scheme
from engine.queries import time_in_state as tis
from engine.rules.workflow import default_registry

WORKFLOW = default_registry().current("scheme")


@pytest.fixture
def history(world, test_clock):
    return make_history(world, test_clock)


def make_history(world, test_clock):
    """Five schemes submitted together; four rejected after 1, 2, 4 and 10 days (the last one
    of the other organisation), the fifth sent back after 12 h and submitted again 3 days
    later, still recorded."""
    start = test_clock()
    refs = [world.scheme("draft", title=f"S{i}") for i in range(5)]
    for ref in refs:
        world.fire(ref, "submit", "owner")
    test_clock.advance(hours=12)
    world.fire(refs[4], "request_changes", "cotech", {"comment": "Précisez."})
    test_clock.advance(hours=12)
    world.fire(refs[0], "reject", "cotech", {"comment": "Non."})
    test_clock.advance(days=1)
    world.fire(refs[1], "reject", "cotech", {"comment": "Non."})
    test_clock.advance(days=1, hours=12)
    world.fire(refs[4], "submit", "owner")
    test_clock.advance(hours=12)
    world.fire(refs[2], "reject", "cotech", {"comment": "Non."})
    test_clock.advance(days=6)
    world.fire(refs[3], "reject", "cotech", {"comment": "Non."})
    with UnitOfWork(world.db) as uow:
        uow.session.execute(
            update(Scheme)
            .where(Scheme.id == refs[3].id)
            .values(organisation_id=world.other_organisation_id)
        )
        uow.commit()
    return start


def report(world, **filters):
    with UnitOfWork(world.db) as uow:
        return tis.time_in_state(uow.session, tis.Filters(**filters), WORKFLOW)


def test_stays_per_state_and_organisation(world, history):
    result = report(world)
    # Recorded: 0.5, 1, 2, 4, 10 days. Median 2; p90 at rank 3.6: 4 + 0.6 × 6 = 7.6.
    assert result.per_state["recorded"] == tis.Stat(5, 2.0, pytest.approx(7.6))
    assert result.per_state["changes_requested"] == tis.Stat(1, 3.0, 3.0)
    assert "draft" not in result.per_state and "rejected" not in result.per_state
    assert result.states == ["recorded", "changes_requested", "reviewed", "proposed"]
    main, other = world.organisation_id, world.other_organisation_id
    # The main organisation's: 0.5, 1, 2, 4: median 1.5; p90 at rank 2.7: 2 + 0.7 × 2 = 3.4.
    assert result.per_organisation[("recorded", main)] == tis.Stat(4, 1.5, pytest.approx(3.4))
    assert result.per_organisation[("recorded", other)] == tis.Stat(1, 10.0, 10.0)
    assert result.open == {"recorded": 1}
    assert result.organisations == {
        main: "Ville de Fort-de-France",
        other: "Association Horizon Jeunesse",
    }


def test_lead_time_from_first_submission_to_decision(world, history):
    result = report(world)
    # 1, 2, 4, 10 days: median 3; p90 at rank 2.7: 4 + 0.7 × 6 = 8.2.
    assert result.lead == tis.Stat(4, 3.0, pytest.approx(8.2))
    main, other = world.organisation_id, world.other_organisation_id
    assert result.lead_per_organisation[main] == tis.Stat(3, 2.0, pytest.approx(3.6))
    assert result.lead_per_organisation[other] == tis.Stat(1, 10.0, 10.0)


def test_filters_by_period_and_organisation(world, history):
    first = local(history).date()
    # Entries of the first day: the five recorded stays and the one sent back; decisions of
    # the second and third days: the schemes rejected after 1 and 2 days.
    day_one = report(world, start=first, end=first)
    assert day_one.per_state["recorded"].count == 5
    assert day_one.lead is None
    later = report(world, start=first + timedelta(days=1), end=first + timedelta(days=2))
    assert later.lead == tis.Stat(2, 1.5, pytest.approx(1.9))
    assert "changes_requested" not in later.per_state
    other = report(world, organisation_id=world.other_organisation_id)
    assert other.per_state == {"recorded": tis.Stat(1, 10.0, 10.0)}
    assert other.open == {}
    assert report(world, kind="pooling").per_state == {}


def _sample(db):
    rng = random.Random(12)
    rows = [(g, rng.randrange(0, 90 * tis.DAY)) for g in ("a", "b", "c") for _ in range(37)]
    rows += [("d", 5000), ("e", 1), ("e", 8)]
    source = union_all(
        *(select(literal(g).label("state"), literal(s).label("seconds")) for g, s in rows)
    ).cte("sample")
    return rows, source


def test_percentiles_match_linear_interpolation(db):
    rows, source = _sample(db)
    with UnitOfWork(db) as uow:
        [got] = tis._percentiles(uow.session, source, [[source.c.state]])
    for group in "abc":
        data = sorted(s for g, s in rows if g == group)
        deciles = statistics.quantiles(data, n=10, method="inclusive")
        assert got[(group,)].median == pytest.approx(statistics.median(data) / tis.DAY)
        assert got[(group,)].p90 == pytest.approx(deciles[8] / tis.DAY)
    assert got[("d",)] == tis.Stat(1, 5000 / tis.DAY, 5000 / tis.DAY)
    assert got[("e",)].p90 == pytest.approx(7.3 / tis.DAY)


@pytest.mark.postgresql
def test_percentiles_match_postgresql_percentile_cont(db):
    _, source = _sample(db)
    with UnitOfWork(db) as uow:
        [got] = tis._percentiles(uow.session, source, [[source.c.state]])
        theirs = uow.session.execute(
            select(
                source.c.state,
                func.percentile_cont(0.5).within_group(source.c.seconds),
                func.percentile_cont(0.9).within_group(source.c.seconds),
            ).group_by(source.c.state)
        ).all()
    for state, median, p90 in theirs:
        assert got[(state,)].median == pytest.approx(median / tis.DAY, abs=1e-9)
        assert got[(state,)].p90 == pytest.approx(p90 / tis.DAY, abs=1e-9)


def test_a_pooling_is_submitted_when_created(world, test_clock):
    pooling = world.pooling("recorded")
    for days, name in ((2, "review"), (1, "propose")):
        test_clock.advance(days=days)
        world.fire(pooling, name, "cotech2")
    test_clock.advance(days=3)
    world.decide(pooling)
    result = report(world, kind="pooling")
    assert result.lead == tis.Stat(1, 6.0, 6.0)
    assert result.per_state == {
        "recorded": tis.Stat(1, 2.0, 2.0),
        "reviewed": tis.Stat(1, 1.0, 1.0),
        "proposed": tis.Stat(1, 3.0, 3.0),
    }
    assert result.lead_per_organisation == {world.organisation_id: tis.Stat(1, 6.0, 6.0)}

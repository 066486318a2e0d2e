"""Dashboard figures on a small known world: states, overdue, weekly flow, coverage."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.db.uow import UnitOfWork
from engine.models import Scheme, Territory, VocabularyTerm
from engine.queries import dashboard
from tests.factories import clock_start

# Two hours before the test clock starts (the world's records are made at its start).
NOW = clock_start() - timedelta(hours=2)


@pytest.fixture
def known(world):
    refs = {
        "approved": world.scheme("approved", title="A", territories=["COM-97209"]),
        "recorded": world.scheme(
            "recorded", title="B", territories=["EPCI-249720061"], themes=["aide_victimes"]
        ),
        "reviewed": world.scheme(
            "reviewed", title="C", territories=["DEP-972"], themes=["mediation_tranquillite"]
        ),
        "draft": world.scheme("draft", title="D", territories=["COM-97222"]),
    }
    with UnitOfWork(world.db) as uow:
        uow.session.execute(
            update(Scheme)
            .where(Scheme.id == refs["recorded"].id)
            .values(state_changed_at=NOW - timedelta(days=20))
        )
        uow.commit()
    return refs


def test_state_counts_respect_what_each_user_may_see(world, known):
    with UnitOfWork(world.db) as uow:
        cotech = dashboard.state_counts(uow.session, "scheme", world.actors["cotech"])
        owner = dashboard.state_counts(uow.session, "scheme", world.actors["owner"])
        poolings = dashboard.state_counts(uow.session, "pooling", world.actors["cotech"])
    assert cotech == {"approved": 1, "recorded": 1, "reviewed": 1}
    assert owner == {"approved": 1, "recorded": 1, "reviewed": 1, "draft": 1}
    assert poolings == {}


def test_overdue_counts_follow_the_deadlines(world, known):
    with UnitOfWork(world.db) as uow:
        assert dashboard.overdue_counts(uow.session, "scheme", NOW) == {"recorded": 1}
        later = NOW + timedelta(days=31)
        assert dashboard.overdue_counts(uow.session, "scheme", later) == {
            "recorded": 1,
            "reviewed": 1,
        }


def test_weekly_flow_counts_transitions_in_their_week(world, known):
    with UnitOfWork(world.db) as uow:
        now = uow.clock()
        flow = dashboard.weekly_flow(uow.session, now)
        next_weeks = dashboard.weekly_flow(uow.session, now + timedelta(weeks=13))
    assert len(flow) == 12 and flow[-1].start <= now.date()
    assert flow[-1].counts == {"submit": 3, "review": 2, "approve": 1}
    assert all(w.counts == dict.fromkeys(dashboard.FLOW, 0) for w in flow[:-1])
    assert all(sum(w.counts.values()) == 0 for w in next_weeks)


def test_coverage_counts_each_commune_of_wider_territories_once(world, known):
    with UnitOfWork(world.db) as uow:
        session = uow.session
        cells = dashboard.coverage(session)
        commune = dict(session.execute(select(Territory.code, Territory.id)).all())
        theme = dict(
            session.execute(
                select(VocabularyTerm.code, VocabularyTerm.id).where(
                    VocabularyTerm.vocabulary == "theme"
                )
            ).all()
        )

    def cell(code, term):
        return cells.get((commune[code], theme[term]), dashboard.Cell())

    assert cell("97209", "mediation_tranquillite") == dashboard.Cell(1, 1)
    assert cell("97209", "prevention_delinquance_jeunes") == dashboard.Cell(1, 0)
    assert cell("97213", "mediation_tranquillite") == dashboard.Cell(0, 1)
    assert cell("97209", "aide_victimes") == dashboard.Cell(0, 1)
    assert cell("97222", "aide_victimes") == dashboard.Cell(0, 0)
    assert cell("97222", "mediation_tranquillite") == dashboard.Cell(0, 1)
    # 34 communes for the island-wide scheme; the draft counts nowhere.
    assert sum(c.in_progress for c in cells.values()) == 34 + 4


def naive_coverage(session) -> dict:
    """Each counted scheme, each commune it covers once, each of its themes: one by one."""
    territories = session.scalars(select(Territory)).all()
    communes = [t for t in territories if t.kind == "commune"]
    cells: dict = {}
    for scheme in session.scalars(select(Scheme)):
        if scheme.state not in ("approved", *dashboard.IN_PROGRESS):
            continue
        covered = {
            c.id
            for t in scheme.territories
            for c in communes
            if c.id == t.id or c.epci_id == t.id or t.kind == "department"
        }
        for commune in covered:
            for theme in scheme.themes:
                a, p = cells.get((commune, theme.id), (0, 0))
                approved = scheme.state == "approved"
                cells[(commune, theme.id)] = (a + approved, p + (not approved))
    return {k: dashboard.Cell(*v) for k, v in cells.items()}


def test_coverage_matches_a_naive_count_with_overlapping_territories(world, known):
    cacem, cap_nord = "EPCI-249720061", "EPCI-200041788"
    world.scheme("approved", title="E", territories=["COM-97209", cacem])
    world.scheme("recorded", title="F", territories=["DEP-972", cap_nord, "COM-97201"])
    world.scheme("proposed", title="G", territories=["COM-97209", "COM-97213"])
    world.scheme("approved", title="H", territories=[cacem, cap_nord], themes=["aide_victimes"])
    world.scheme("draft", title="I", territories=["DEP-972", "COM-97209"])
    world.scheme("rejected", title="J", territories=["COM-97209", cacem])
    dashboard.forget_coverage()
    with UnitOfWork(world.db) as uow:
        cells = dashboard.coverage(uow.session)
        expected = naive_coverage(uow.session)
        assert dashboard.count_coverage(uow.session) == expected
        fdf = uow.session.scalar(select(Territory.id).where(Territory.code == "97209"))
        theme = uow.session.scalar(
            select(VocabularyTerm.id).where(VocabularyTerm.code == "mediation_tranquillite")
        )
    assert cells == expected
    # Fort-de-France: A and E approved (E once though it lists the commune and its EPCI);
    # C (Martinique), F (Martinique) and G in progress.
    assert cells[(fdf, theme)] == dashboard.Cell(2, 3)


def test_the_kept_coverage_is_counted_again_once_the_audit_log_moves(world, known, monkeypatch):
    dashboard.forget_coverage()
    counted = []
    count = dashboard.count_coverage
    monkeypatch.setattr(dashboard, "count_coverage", lambda s: counted.append(1) or count(s))
    with UnitOfWork(world.db) as uow:
        first = dashboard.coverage(uow.session)
        assert dashboard.coverage(uow.session) == first and len(counted) == 1
    world.scheme("approved", title="K", territories=["COM-97222"])
    with UnitOfWork(world.db) as uow:
        after = dashboard.coverage(uow.session)
        assert after == dashboard.count_coverage(uow.session) != first
    assert len(counted) == 2 + 1  # the change, then the direct count just above


def test_sign_ins_and_comments_keep_the_coverage_an_edit_of_themes_counts_it_again(
    world, known, monkeypatch
):
    from engine.services.comments import add_comment
    from engine.services.records import edit_record
    from engine.services.signin import sign_in
    from tests.factories import PASSWORD

    dashboard.forget_coverage()
    counted = []
    count = dashboard.count_coverage
    monkeypatch.setattr(dashboard, "count_coverage", lambda s: counted.append(1) or count(s))
    with UnitOfWork(world.db) as uow:
        first = dashboard.coverage(uow.session)
    with UnitOfWork(world.db) as uow:
        sign_in(uow, "cotech@example.mq", PASSWORD, "127.0.0.1")
    with UnitOfWork(world.db) as uow:
        add_comment(uow, known["recorded"], world.actors["cotech"], "Vu en COTECH.")
    with UnitOfWork(world.db) as uow:
        assert dashboard.coverage(uow.session) == first and len(counted) == 1
    with UnitOfWork(world.db) as uow:
        edit_record(
            uow, known["recorded"], {"themes": ["sport_culture_loisirs"]}, world.actors["cotech"]
        )
    with UnitOfWork(world.db) as uow:
        after = dashboard.coverage(uow.session)
        assert len(counted) == 2 and after != first
        assert after == count(uow.session)

"""Stored pooling candidates: computed from the schemes, recomputed incrementally by the worker's
producer, dismissed with an audited reason, turned into a pooling draft."""

import pytest
from sqlalchemy import func, select

from engine.candidates.store import produce_candidates, recompute
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent, Pooling, PoolingCandidate
from engine.notifications.producers import PRODUCERS
from engine.queries.candidates import CandidateFilter, candidate_page, parse_filter
from engine.services.candidates import dismiss_candidate, draft_pooling
from engine.services.records import edit_record
from tests.integration.test_cli import _runner

NIGHT = {
    "summary": "Médiateurs sociaux de nuit auprès des adolescents des quartiers",
    "description": "Des médiateurs vont au-devant des adolescents le soir et règlent les conflits.",
    "themes": ["mediation_tranquillite"],
    "publics": ["adolescents"],
    "territories": ["COM-97213"],
    "age_min": 12,
    "age_max": 17,
    "annual_budget": "100000",
}
ELDERLY = {
    "summary": "Portage de repas aux personnes âgées isolées",
    "description": "Des repas livrés chaque jour aux aînés du Nord.",
    "themes": ["sante"],
    "publics": ["personnes_agees"],
    "territories": ["COM-97203"],
    "age_min": 60,
    "age_max": None,
}


@pytest.fixture
def night(world):
    """Two night mediation schemes in Le Lamentin, one elderly scheme in Basse-Pointe, all
    reviewed; one draft mediation scheme (not poolable)."""
    a = world.scheme("reviewed", title="Médiation de nuit au Lamentin", **NIGHT)
    b = world.scheme(
        "reviewed", title="Médiateurs de nuit du Lamentin", **{**NIGHT, "annual_budget": "50000"}
    )
    c = world.scheme("reviewed", title="Repas des aînés", **ELDERLY)
    d = world.scheme("draft", title="Médiation de nuit (brouillon)", **NIGHT)
    return a, b, c, d


def _pages(world, actor="cotech", filters=None):
    with UnitOfWork(world.db) as uow:
        return candidate_page(uow.session, world.actors[actor], filters or CandidateFilter())


def test_the_overlapping_poolable_schemes_are_stored_with_their_reasons(world, night, test_clock):
    a, b, _c, _d = night
    done = recompute(world.db, test_clock, everything=True)
    assert done.pairs == 1
    page = _pages(world)
    assert [sorted(m.id for m in row.members) for row in page.rows] == [sorted([a.id, b.id])]
    text = page.rows[0].explained()
    assert "mêmes publics (adolescents" in text
    assert "même commune (Le Lamentin)" in text
    assert "descriptions proches à" in text
    assert "same commune (Le Lamentin)" in page.rows[0].explained(english=True)


def test_the_worker_recomputes_only_the_changed_scheme_pairs(world, night, test_clock):
    a, b, c, _d = night
    assert produce_candidates in PRODUCERS
    produce_candidates(world.db, test_clock)  # first time: everything
    assert produce_candidates(world.db, test_clock) == 0  # nothing changed since
    with UnitOfWork(world.db) as uow:
        edit_record(
            uow,
            c,
            {
                "themes": ["mediation_tranquillite"],
                "publics": ["adolescents"],
                "territories": ["COM-97213"],
                "age_min": 12,
                "age_max": 17,
            },
            world.actors["cotech"],
        )
    assert produce_candidates(world.db, test_clock) == 1  # the elderly scheme alone
    pairs = {tuple(sorted(m.id for m in r.members)) for r in _pages(world).rows}
    assert {tuple(sorted([a.id, c.id])), tuple(sorted([b.id, c.id]))} <= pairs


def test_a_rejected_scheme_loses_its_candidates(world, night, test_clock):
    a, _b, _c, _d = night
    produce_candidates(world.db, test_clock)
    world.fire(a, "reject", "cotech", {"comment": "Hors champ."})
    produce_candidates(world.db, test_clock)
    assert _pages(world).rows == []


def test_a_dismissal_needs_a_reason_is_audited_and_holds_until_the_score_rises(
    world, night, test_clock
):
    _a, b, _c, _d = night
    cotech = world.actors["cotech"]
    far = {"summary": "Tournois de football", "description": "Du sport le samedi.", "age_min": None}
    with UnitOfWork(world.db) as uow:
        edit_record(uow, b, {**far, "age_max": None}, cotech)
    produce_candidates(world.db, test_clock)
    candidate = _pages(world).rows[0]
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        dismiss_candidate(uow, cotech, candidate.id, "   ")
    assert refused.value.errors == {"reason": ["Indiquez pourquoi cette piste est écartée."]}
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        dismiss_candidate(uow, world.actors["copil"], candidate.id, "Pas pertinent.")

    with UnitOfWork(world.db) as uow:
        dismiss_candidate(uow, cotech, candidate.id, "Publics différents.")
    assert _pages(world).rows == []
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "candidate")
        ).one()
    assert (event.action, event.comment) == ("dismiss", "Publics différents.")
    assert event.actor_id == cotech.id
    assert sorted(event.data["members"]) == sorted(m.reference for m in candidate.members)

    # A small change of a member does not bring it back.
    with UnitOfWork(world.db) as uow:
        edit_record(uow, b, {"title": "Médiateurs de nuit du Lamentin (2026)"}, cotech)
    produce_candidates(world.db, test_clock)
    assert _pages(world).rows == []
    # A member that now reads like the other and serves the same ages does.
    with UnitOfWork(world.db) as uow:
        same = {k: NIGHT[k] for k in ("summary", "description", "age_min", "age_max")}
        edit_record(uow, b, same, cotech)
    produce_candidates(world.db, test_clock)
    assert len(_pages(world).rows) == 1


def _all_candidates(world):
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(PoolingCandidate.id)))


def test_one_click_drafts_a_pooling_with_members_kind_territories_and_budget(
    world, night, test_clock
):
    a, b, _c, _d = night
    recompute(world.db, test_clock, everything=True)
    candidate = _pages(world).rows[0]
    with UnitOfWork(world.db) as uow:
        pooling = draft_pooling(uow, world.actors["cotech"], candidate.id)
    with UnitOfWork(world.db) as uow:
        made = uow.session.get(Pooling, pooling.id)
        assert sorted(m.id for m in made.members) == sorted([a.id, b.id])
        assert [t.cog for t in made.territories] == ["COM-97213"]
        assert str(made.expected_budget) == "150000.00"
        assert made.kind in {"fusion", "shared_resources"}
        assert made.rationale.startswith("Piste de mutualisation")
        created = uow.session.scalar(
            select(func.count()).where(
                AuditEvent.record_type == "pooling", AuditEvent.record_id == made.id
            )
        )
        assert created == 1
    # Now pooled together: no longer a new idea once the worker has passed.
    produce_candidates(world.db, test_clock)
    assert _pages(world).rows == []


def test_filters_and_readers(world, night, test_clock):
    recompute(world.db, test_clock, everything=True)
    with UnitOfWork(world.db) as uow:
        by_theme = parse_filter(uow.session, {"theme": "sante"})
        by_epci = parse_filter(uow.session, {"territory": "EPCI-200041788"})  # CAP Nord
        martinique = parse_filter(uow.session, {"territory": "DEP-972"})
        with pytest.raises(InvalidInput) as refused:
            parse_filter(uow.session, {"theme": "inconnu", "territory": "COM-00000"})
    assert set(refused.value.errors) == {"theme", "territory"}
    assert _pages(world, filters=by_theme).rows == []
    assert _pages(world, filters=by_epci).rows == []
    assert len(_pages(world, filters=martinique).rows) == 1
    assert len(_pages(world, actor="copil").rows) == 1
    with pytest.raises(NotPermitted):
        _pages(world, actor="owner")


@pytest.fixture
def run(db, tmp_path):
    return _runner(db.url.render_as_string(hide_password=False), tmp_path)


def test_the_command_line_recomputes_the_changed_schemes_or_everything(world, night, run):
    first = run("candidates", "recompute")
    assert first.exit_code == 0, first.output
    assert "3 dispositif(s) évalué(s) : 1 paire(s) et 0 groupe(s)" in first.output
    again = run("candidates", "recompute")
    assert again.output.strip() == "Aucun dispositif modifié depuis le dernier calcul."
    everything = run("candidates", "recompute", "--all")
    assert "3 dispositif(s) évalué(s)" in everything.output

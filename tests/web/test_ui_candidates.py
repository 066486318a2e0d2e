"""The COTECH's "Pistes de mutualisation" page: who may read and act, filters, dismissal with a
reason, and a pooling draft in one click."""

from html import unescape

import pytest
from sqlalchemy import select

from engine.candidates.store import recompute
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Pooling, PoolingCandidate
from tests.integration.test_candidates import NIGHT

PAGE = "/pistes-de-mutualisation"


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def candidate(world, test_clock) -> int:
    """Two reviewed night-mediation schemes in Le Lamentin, scored: one candidate."""
    world.scheme("reviewed", title="Médiation de nuit au Lamentin", **NIGHT)
    world.scheme("reviewed", title="Médiateurs de nuit du Lamentin", **NIGHT)
    recompute(world.db, test_clock, everything=True)
    with UnitOfWork(world.db) as uow:
        return uow.session.scalars(select(PoolingCandidate.id)).one()


def test_the_page_is_for_the_cotech_and_read_by_the_copil(ui, world, candidate):
    world.add_user("coordinator", ["coordinator"], None)
    world.add_user("secretary", ["secretary"], None)
    for key in ("cotech", "coordinator", "copil", "secretary"):
        page = ui(key).get(PAGE)
        assert page.status_code == 200, key
        text = text_of(page)
        assert "Médiation de nuit au Lamentin" in text
        assert "même commune (Le Lamentin)" in text
        assert ("Créer une mutualisation" in text) == (key == "cotech")
        assert ("Écarter" in text) == (key in ("cotech", "coordinator"))
        assert 'href="/pistes-de-mutualisation"' in text
    for key in ("owner", "admin"):
        assert ui(key).get(PAGE).status_code == 403
        assert 'href="/pistes-de-mutualisation"' not in text_of(ui(key).get("/dispositifs"))
    copil = ui("copil")
    assert copil.post(f"{PAGE}/{candidate}/ecarter", {"reason": "Non."}).status_code == 403
    assert copil.post(f"{PAGE}/{candidate}/mutualisation").status_code == 403


def test_anonymous_visitors_sign_in_first(browser):
    response = browser.get(PAGE)
    assert response.status_code == 302 and "/connexion?next=" in response.headers["Location"]


def test_filters_narrow_the_list_and_unknown_ones_are_refused_in_french(ui, candidate):
    cotech = ui("cotech")
    assert "Médiation de nuit" in text_of(cotech.get(f"{PAGE}?theme=mediation_tranquillite"))
    assert "Médiation de nuit" in text_of(cotech.get(f"{PAGE}?territory=EPCI-249720061"))
    empty = text_of(cotech.get(f"{PAGE}?territory=EPCI-200041788"))
    assert "Aucune piste de mutualisation pour ces critères." in empty
    assert "Médiation de nuit au Lamentin" not in empty
    refused = cotech.get(f"{PAGE}?theme=inconnu&organisation=abc")
    assert refused.status_code == 400
    assert "Choisissez une thématique dans la liste." in text_of(refused)
    assert "Structure inconnue." in text_of(refused)


def test_a_dismissal_without_a_reason_is_refused_in_french(ui, world, candidate):
    cotech = ui("cotech")
    refused = cotech.post(f"{PAGE}/{candidate}/ecarter", {"reason": "  "})
    assert refused.status_code == 422
    assert "Indiquez pourquoi cette piste est écartée." in text_of(refused)
    assert "Médiation de nuit au Lamentin" in text_of(cotech.get(PAGE))

    done = cotech.post(f"{PAGE}/{candidate}/ecarter", {"reason": "Déjà coordonnés en CLSPD."})
    assert done.status_code == 303
    after = text_of(cotech.get(PAGE))
    assert "Piste écartée" in after and "Médiation de nuit au Lamentin" not in after
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "dismiss")).one()
        assert event.comment == "Déjà coordonnés en CLSPD."
    log = text_of(cotech.get("/journal"))
    assert "piste écartée" in log


def test_one_click_makes_a_pooling_draft_prefilled_from_the_candidate(ui, world, candidate):
    cotech = ui("cotech")
    response = cotech.post(f"{PAGE}/{candidate}/mutualisation")
    assert response.status_code == 303
    with UnitOfWork(world.db) as uow:
        pooling = uow.session.scalars(select(Pooling)).one()
        assert response.headers["Location"].endswith(f"/mutualisations/{pooling.id}")
        assert len(pooling.members) == 2
        assert [t.cog for t in pooling.territories] == ["COM-97213"]
        assert str(pooling.expected_budget) == "200000.00"
        assert pooling.state == "recorded"
    page = text_of(cotech.get(response.headers["Location"]))
    assert "créée à partir de la piste" in page
    assert "200 000,00 €" in page.replace("\u202f", " ").replace("\xa0", " ")


def test_the_page_and_its_reasons_in_english(ui, candidate):
    page = text_of(ui("cotech").get(PAGE, headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "Pooling leads" in page
    assert "same commune (Le Lamentin)" in page
    assert "Set aside" in page and "Create a pooling" in page

"""GET /api/v1/candidates and POST /api/v1/candidates/{id}/dismiss: the page's rules."""

import pytest
from sqlalchemy import select

from engine.candidates.store import recompute
from engine.db.uow import UnitOfWork
from engine.models import PoolingCandidate
from tests.integration.test_candidates import NIGHT

URL = "/api/v1/candidates"


@pytest.fixture
def candidate(world, test_clock) -> int:
    world.scheme("reviewed", title="Médiation de nuit au Lamentin", **NIGHT)
    world.scheme("reviewed", title="Médiateurs de nuit du Lamentin", **NIGHT)
    recompute(world.db, test_clock, everything=True)
    with UnitOfWork(world.db) as uow:
        return uow.session.scalars(select(PoolingCandidate.id)).one()


def test_the_cotech_and_the_copil_read_the_candidates_with_their_reasons(api, candidate):
    for who in ("cotech", "copil"):
        answer = api[who].get(URL)
        assert answer.status_code == 200, answer.json
        (item,) = answer.json["items"]
        assert item["id"] == candidate and item["size"] == 2 and 0 < item["score"] <= 1
        assert "même commune (Le Lamentin)" in item["explanation"]
        assert "same commune (Le Lamentin)" in item["explanation_en"]
        assert {r["kind"] for r in item["reasons"]} >= {"publics", "themes", "territory"}
        assert sorted(m["title"] for m in item["members"]) == [
            "Médiateurs de nuit du Lamentin",
            "Médiation de nuit au Lamentin",
        ]
    for who in ("owner", "admin"):
        refused = api[who].get(URL)
        assert refused.status_code == 403
        assert [r["code"] for r in refused.json["reasons"]] == ["role_required"]


def test_filters_and_unknown_codes(api, candidate):
    cotech = api["cotech"]
    assert cotech.get(URL, query_string={"territory": "EPCI-249720061"}).json["total"] == 1
    assert cotech.get(URL, query_string={"theme": "sante"}).json["total"] == 0
    refused = cotech.get(URL, query_string={"territory": "COM-00000"})
    assert refused.status_code == 422
    assert refused.json["code"] == "invalid_input"


def test_dismiss_needs_a_reason_and_the_role(api, candidate):
    path = f"{URL}/{candidate}/dismiss"
    assert api["copil"].post(path, json={"reason": "Non."}).status_code == 403
    empty = api["cotech"].post(path, json={"reason": " "})
    assert empty.status_code == 422
    assert empty.json["errors"]["reason"] == ["Indiquez pourquoi cette piste est écartée."]
    assert api["cotech"].post(f"{URL}/999999/dismiss", json={"reason": "x"}).status_code == 404
    assert api["cotech"].post(path, json={"reason": "Déjà coordonnés."}).status_code == 204
    assert api["cotech"].get(URL).json["total"] == 0

"""GET /api/v1/reports/time-in-state: the report's figures, its filters, who may read it."""

import pytest

from tests.integration.test_time_in_state import make_history

PATH = "/api/v1/reports/time-in-state"


@pytest.fixture
def history(world, test_clock):
    return make_history(world, test_clock)


def test_the_report_in_json(api, world, history):
    response = api["cotech"].get(PATH)
    assert response.status_code == 200, response.json
    body = response.json
    recorded = body["states"][0]
    assert recorded["state"] == "recorded" and recorded["open"] == 1
    assert (recorded["count"], recorded["median_days"], recorded["p90_days"]) == (5, 2.0, 7.6)
    names = [o["organisation"] for o in recorded["organisations"]]
    assert names == ["Association Horizon Jeunesse", "Ville de Fort-de-France"]
    lead = body["lead_time"]
    assert (lead["count"], lead["median_days"], lead["p90_days"]) == (4, 3.0, 8.2)
    assert body["type"] == "scheme" and body["start"] is None


def test_filters_and_refusals(api, world, history, client):
    other = api["admin"].get(f"{PATH}?organisation={world.other_organisation_id}&du=2026-11-01")
    assert other.status_code == 200
    assert other.json["lead_time"]["count"] == 1 and other.json["start"] == "2026-11-01"
    bad = api["copil"].get(f"{PATH}?du=31/02/2026&type=meeting")
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"du", "type"}
    refused = api["owner"].get(PATH)
    assert refused.status_code == 403 and refused.json["reasons"][0]["code"] == "role_required"
    assert client.get(PATH).status_code == 401
    assert api["cotech"].get(f"{PATH}?type=pooling").json["states"][0]["state"] == "recorded"

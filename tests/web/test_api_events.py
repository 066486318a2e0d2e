"""The audit log over the API: reserved to the committees and admins, filtered, paginated."""

from datetime import timedelta

import pytest
from sqlalchemy import text

FIELDS = {
    "position",
    "record_type",
    "record_id",
    "record_reference",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_label",
    "occurred_at",
    "comment",
    "inputs",
    "changes",
    "data",
    "hash",
    "prev_hash",
}


def test_the_log_is_for_cotech_copil_and_admins(api):
    for key in ("cotech", "copil", "admin"):
        assert api[key].get("/api/v1/events").status_code == 200
    refused = api["owner"].get("/api/v1/events")
    assert refused.status_code == 403
    assert "COTECH" in refused.json["message"]
    assert refused.json["reasons"][0]["code"] == "role_required"


def test_events_come_in_chain_order_by_page_with_a_total(api):
    first = api["cotech"].get("/api/v1/events?per_page=3").json
    second = api["cotech"].get("/api/v1/events?per_page=3&page=2").json
    assert first["total"] == second["total"] > 6
    assert [e["position"] for e in first["items"] + second["items"]] == [1, 2, 3, 4, 5, 6]
    assert set(first["items"][0]) == FIELDS
    assert second["items"][0]["prev_hash"] == first["items"][-1]["hash"]


def test_events_are_filtered(world, api, test_clock):
    scheme = world.scheme("recorded")
    query = f"/api/v1/events?record_type=scheme&record_id={scheme.id}"
    events = api["copil"].get(query).json
    assert [e["action"] for e in events["items"]][-1] == "submit"
    assert {e["record_id"] for e in events["items"]} == {scheme.id}
    owner = world.actors["owner"].id
    by_actor = api["copil"].get(f"/api/v1/events?actor_id={owner}&action=submit").json
    assert by_actor["total"] == 1 and by_actor["items"][0]["to_state"] == "recorded"
    today = test_clock().date()
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert api["copil"].get(f"/api/v1/events?since={tomorrow}").json["total"] == 0
    yesterday = (today - timedelta(days=2)).isoformat()
    everything = api["copil"].get("/api/v1/events").json["total"]
    window = api["copil"].get(f"/api/v1/events?since={yesterday}&until={tomorrow}").json
    assert window["total"] == everything


@pytest.mark.parametrize(
    "query", ["page=0", "per_page=500", "since=hier", f"record_id={2**31}", "color=red"]
)
def test_bad_filters_get_422(api, query):
    response = api["admin"].get(f"/api/v1/events?{query}")
    assert response.status_code == 422 and response.json["code"] == "invalid_input"


def test_verify_is_for_admins(api):
    for key in ("owner", "cotech", "copil"):
        assert api[key].get("/api/v1/audit/verify").status_code == 403
    result = api["admin"].get("/api/v1/audit/verify").json
    assert result["ok"] is True and result["position"] is None
    assert result["count"] > 0 and "intègre" in result["message"]


@pytest.mark.sqlite
def test_verify_names_a_tampered_event(world, api):
    # SQLite has no trigger against rewriting the log: the chain is what notices.
    with world.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_label = 'quelqu''un' WHERE position = 3"))
    result = api["admin"].get("/api/v1/audit/verify").json
    assert result["ok"] is False and result["position"] == 3

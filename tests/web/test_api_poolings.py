"""The poolings resource: created by the COTECH from reviewed schemes, decided by the COPIL."""

import pytest

from engine.services.common import RecordRef

POOLINGS = "/api/v1/poolings"


def _new(world, **extra) -> dict:
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    return {
        "title": "Mutualiser la médiation",
        "rationale": "Deux dispositifs se recouvrent.",
        "kind": "fusion",
        "lead_organisation_id": world.organisation_id,
        "scheme_ids": [m.id for m in members],
        **extra,
    }


def test_create_with_scheme_ids_then_approve_links_the_members(world, api):
    created = api["cotech"].post(POOLINGS, json=_new(world, expected_budget="25000"))
    assert created.status_code == 201, created.json
    body = created.json
    assert body["state"] == "recorded" and body["expected_budget"] == "25000.00"
    members = [m["id"] for m in body["members"]]
    assert len(members) == 2 and body["lead_organisation"]["id"] == world.organisation_id
    url = f"{POOLINGS}/{body['id']}/transitions"
    version = body["version"]
    for who, name in [("cotech2", "review"), ("cotech2", "propose")]:
        response = api[who].post(url, json={"transition": name, "version": version})
        assert response.status_code == 200, response.json
        version = response.json["version"]
    alone = {"transition": "approve", "version": version, "decision_reference": "COPIL n°4"}
    refused = api["copil"].post(url, json=alone)
    assert refused.status_code == 403, refused.json
    assert [r["code"] for r in refused.json["reasons"]] == ["meeting_required"]
    assert "ne se fait qu'en séance" in refused.json["reasons"][0]["message"]
    # The COPIL decides in session: closing the meeting approves it and links the members.
    number = world.decide(RecordRef("pooling", body["id"]), "approve")
    decided = api["copil"].get(f"{POOLINGS}/{body['id']}").json
    assert (decided["state"], decided["decision_reference"]) == ("approved", number)
    for member in members:
        scheme = api["owner"].get(f"/api/v1/schemes/{member}").json
        assert scheme["pooling_id"] == body["id"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"scheme_ids": ["1"]}, "scheme_ids"),
        ({"scheme_ids": [2**63]}, "scheme_ids"),
        ({"kind": "mariage"}, "kind"),
        ({"lead_organisation_id": "1"}, "lead_organisation_id"),
        ({"colour": "bleu"}, "colour"),
        ({"expected_budget": "abc"}, "expected_budget"),
    ],
)
def test_create_refuses_bad_fields_by_name(world, api, change, field):
    response = api["cotech"].post(POOLINGS, json=_new(world, **change))
    assert response.status_code == 422, response.json
    assert any(key.startswith(field) for key in response.json["errors"]), response.json


def test_only_the_cotech_creates_a_pooling(world, api):
    response = api["owner"].post(POOLINGS, json=_new(world))
    assert response.status_code == 403
    assert response.json["reasons"][0]["code"] == "role_required"


def test_get_list_patch_and_conflict(world, api):
    first = world.pooling("recorded")
    second = world.pooling("reviewed")
    listed = api["owner"].get(POOLINGS + "?per_page=1&page=2").json
    assert (listed["total"], [i["id"] for i in listed["items"]]) == (2, [second.id])
    assert [i["id"] for i in api["owner"].get(POOLINGS + "?state=reviewed").json["items"]] == [
        second.id
    ]
    assert api["owner"].get(POOLINGS + "?sort=colour").status_code == 422
    body = api["cotech"].get(f"{POOLINGS}/{first.id}").json
    assert {t["name"] for t in body["transitions"]} >= {"review"}
    edited = api["cotech"].patch(
        f"{POOLINGS}/{first.id}", json={"version": body["version"], "rationale": "Plus clair."}
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["rationale"] == "Plus clair."
    stale = api["cotech2"].patch(
        f"{POOLINGS}/{first.id}", json={"version": body["version"], "title": "Autre"}
    )
    assert stale.status_code == 409
    assert stale.json["current_version"] == body["version"] + 1
    assert stale.json["changed_by"] == "cotech@example.mq"


def test_pooling_transitions_refused_with_reasons(world, api):
    ref = world.pooling("proposed")
    body = api["cotech2"].get(f"{POOLINGS}/{ref.id}").json
    url = f"{POOLINGS}/{ref.id}/transitions"
    by_owner = api["owner"].post(url, json={"transition": "approve", "version": body["version"]})
    assert by_owner.status_code == 403
    assert [r["code"] for r in by_owner.json["reasons"]] == ["meeting_required"]
    review = api["owner"].post(url, json={"transition": "review", "version": body["version"]})
    assert review.status_code == 403
    assert [r["code"] for r in review.json["reasons"]] == ["role_required"]
    missing = api["cotech2"].post(url, json={"transition": "approve", "version": body["version"]})
    assert missing.status_code == 403
    assert [r["code"] for r in missing.json["reasons"]] == ["meeting_required"]
    assert api["copil"].get(f"{POOLINGS}/{2**31}").status_code == 404
    assert api["copil"].get(f"{POOLINGS}/999999").status_code == 404


def test_events_and_comments_of_a_pooling(world, api):
    ref = world.pooling("reviewed")
    posted = api["copil"].post(f"{POOLINGS}/{ref.id}/comments", json={"body": "Vu."})
    assert posted.status_code == 201
    events = api["owner"].get(f"{POOLINGS}/{ref.id}/events").json
    assert [e["action"] for e in events] == ["create", "review", "comment"]
    assert events[1]["actor_label"] == "cotech2@example.mq"
    assert api["copil"].post(f"{POOLINGS}/{ref.id}/comments", json={"body": ""}).status_code == 422

"""The meetings' API: a whole COPIL meeting from planning to the close, and each refusal with
its status and reasons — closing twice or without quorum, a recused member deciding, a proxy
given twice, a member not convened, someone not a secretary planning, unknown ids, bad bodies."""

import threading

import pytest

from engine.db.uow import UnitOfWork
from engine.services.tokens import create_token
from tests.factories import in_session as session_marker
from tests.web.conftest import Caller

MEETINGS = "/api/v1/meetings"
STARTS = "2027-01-14T09:00:00-04:00"  # Martinique time


def caller_for(world, client, actor) -> Caller:
    with UnitOfWork(world.db) as uow:
        return Caller(client, create_token(uow, actor, actor.id, "tests meetings").secret)


@pytest.fixture
def copil(world, api, client):
    """A secretary, four COPIL members (one from the schemes' organisation), their callers."""
    for key, roles, org in [
        ("secretary", ["secretary"], None),
        ("copil3", ["copil"], None),
        ("prefecture", ["copil"], world.organisation_id),
    ]:
        world.actors[key] = world.add_user(key, roles, org)
        api[key] = caller_for(world, client, world.actors[key])
    return [world.actors[k].id for k in ("copil", "copil2", "copil3", "prefecture")]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json
    return response.json


def plan(world, api, members, who="secretary", **fields) -> dict:
    body = {
        "committee": "copil",
        "title": "COPIL de janvier",
        "starts_at": STARTS,
        "place": "Hôtel de la CTM, Fort-de-France",
        "secretary_id": world.actors["secretary"].id,
        "member_ids": members,
        **fields,
    }
    return api[who].post(MEETINGS, json=body)


def fire(api, meeting, name, who="secretary", **inputs):
    version = ok(api[who].get(f"{MEETINGS}/{meeting['id']}"))["version"]
    return api[who].post(
        f"{MEETINGS}/{meeting['id']}/transitions/{name}", json={"version": version, **inputs}
    )


def put_on_agenda(api, meeting, ref) -> dict:
    body = {"record": {"type": ref.kind, "id": ref.id}, "summary": "Avis favorable du COTECH"}
    return ok(api["secretary"].post(f"{MEETINGS}/{meeting['id']}/items", json=body), 201)


def attend(api, meeting, user_id, attendance="present", proxy=None):
    body = {"attendance": attendance, "proxy_holder_id": proxy}
    return api["secretary"].put(f"{MEETINGS}/{meeting['id']}/attendance/{user_id}", json=body)


def decide(api, meeting, item, who="secretary", **body):
    body.setdefault("outcome", "approve")
    path = f"{MEETINGS}/{meeting['id']}/items/{item['id']}/decision"
    return api[who].put(path, json=body)


def close(api, meeting, dry_run=False, version=None, who="secretary"):
    if version is None:
        version = ok(api[who].get(f"{MEETINGS}/{meeting['id']}"))["version"]
    body = {"dry_run": dry_run, "version": version}
    return api[who].post(f"{MEETINGS}/{meeting['id']}/close", json=body)


def in_session(world, api, members, schemes=1):
    """A convened meeting with proposed schemes on its agenda and every member present."""
    meeting = ok(plan(world, api, members), 201)
    refs = [world.scheme("proposed", title=f"Dispositif {i}") for i in range(schemes)]
    items = [put_on_agenda(api, meeting, ref) for ref in refs]
    ok(fire(api, meeting, "convene"))
    for user_id in members:
        ok(attend(api, meeting, user_id))
    return meeting, refs, items


# The whole meeting


def test_a_whole_meeting_from_planning_to_the_close(world, api, copil):
    copil1, copil2, copil3, prefecture = copil
    planned = ok(plan(world, api, copil), 201)
    assert (planned["reference"], planned["state"], planned["committee"]) == (
        "COPIL-2027-01",
        "planned",
        "copil",
    )
    assert planned["starts_at"] == "2027-01-14T13:00:00Z"
    assert planned["secretary"] == {"id": world.actors["secretary"].id, "name": "Secretary"}
    assert [m["user_id"] for m in planned["members"]] == copil
    assert planned["quorum"]["required"] == 3 and not planned["quorum"]["met"]
    convene = next(t for t in planned["transitions"] if t["name"] == "convene")
    assert convene["allowed"] is True
    # Any signed-in user reads the meeting; only its secretary (or an admin) acts on it.
    as_member = ok(api["copil"].get(f"{MEETINGS}/{planned['id']}"))
    convene = next(t for t in as_member["transitions"] if t["name"] == "convene")
    assert convene["allowed"] is False
    assert convene["reasons"][0]["message"] == (
        "Action réservée aux administrateurs et aux secrétaires de séance."
    )

    first, second = world.scheme("proposed", title="Médiateurs"), world.scheme("proposed")
    item1 = put_on_agenda(api, planned, first)
    assert item1["record"] == {
        "type": "scheme",
        "id": first.id,
        "version": item1["record"]["version"],
    }
    assert item1["kind"] == "decision" and item1["added_late"] is False
    assert [(r["user_id"], r["automatic"]) for r in item1["recusals"]] == [(prefecture, True)]
    assert "Ville de Fort-de-France" in item1["recusals"][0]["reason"]
    info = ok(
        api["secretary"].post(
            f"{MEETINGS}/{planned['id']}/items",
            json={"title": "Point sur les objectifs 2027", "summary": "Pour information"},
        ),
        201,
    )
    assert (info["kind"], info["record"], info["position"]) == ("information", None, 2)

    convened = ok(fire(api, planned, "convene"))
    assert convened["state"] == "convened" and convened["version"] == planned["version"] + 1
    item2 = put_on_agenda(api, planned, second)
    assert item2["added_late"] is True and item2["position"] == 3

    for user_id in (copil1, copil2, prefecture):
        ok(attend(api, planned, user_id))
    represented = ok(attend(api, planned, copil3, "represented", copil1))
    assert (represented["attendance"], represented["proxy_holder_id"]) == ("represented", copil1)
    assert represented["quorum"]["met"] and represented["quorum"]["counted"] == 4

    declared = ok(
        api["secretary"].post(
            f"{MEETINGS}/{planned['id']}/items/{item2['id']}/recusals",
            json={"user_id": copil2, "reason": "ancien directeur de la structure"},
        ),
        201,
    )
    assert {(r["user_id"], r["automatic"]) for r in declared["recusals"]} == {
        (prefecture, True),
        (copil2, False),
    }
    assert declared["quorum"]["members"] == 2

    decided = ok(
        decide(
            api,
            planned,
            item1,
            conditions="Bilan à un an",
            votes={"for": 2, "against": 0, "abstention": 1},
        )
    )
    assert decided["decision"]["number"] == "COPIL-2027-01/D01"
    assert decided["decision"]["votes"] == {"for": 2, "against": 0, "abstention": 1}
    assert decided["decision"]["conditions"] == "Bilan à un an"
    ok(decide(api, planned, item2, outcome="reject", comment="Doublon du dispositif communal"))

    meeting = ok(api["copil"].get(f"{MEETINGS}/{planned['id']}"))
    decisions = [i["decision"] and i["decision"]["number"] for i in meeting["items"]]
    assert decisions == ["COPIL-2027-01/D01", None, "COPIL-2027-01/D02"]
    assert meeting["quorum"]["sentence"].startswith("quorum atteint : 4 membres présents")

    dry = ok(close(api, planned, dry_run=True))
    assert dry["meeting"] is None and dry["report"]["ready"] and not dry["report"]["closed"]
    assert [(i["position"], i["applies"]) for i in dry["report"]["items"]] == [
        (1, True),
        (2, False),
        (3, True),
    ]
    assert dry["report"]["items"][1]["reasons"] == ["point d'information : rien à appliquer"]
    assert ok(api["copil"].get(f"/api/v1/schemes/{first.id}"))["state"] == "proposed"

    closed = ok(close(api, planned))
    assert closed["report"]["closed"] is True
    assert closed["meeting"]["state"] == "held"
    approved = ok(api["copil"].get(f"/api/v1/schemes/{first.id}"))
    assert (approved["state"], approved["decision_reference"]) == ("approved", "COPIL-2027-01/D01")
    assert ok(api["copil"].get(f"/api/v1/schemes/{second.id}"))["state"] == "rejected"
    events = ok(api["copil"].get(f"/api/v1/schemes/{first.id}/events"))
    assert events[-1]["action"] == "approve"
    assert events[-1]["actor_label"].startswith("COPIL en séance COPIL-2027-01")


def test_the_calendar_latest_first_filtered_and_paginated(world, api, copil):
    january = ok(plan(world, api, copil), 201)
    march = ok(plan(world, api, copil, starts_at="2027-03-11T09:00:00-04:00"), 201)
    cotech = ok(
        plan(world, api, [world.actors["cotech"].id], committee="cotech", title="COTECH"), 201
    )
    ok(fire(api, january, "cancel", comment="Reportée"))
    page = ok(api["owner"].get(MEETINGS))
    assert [m["id"] for m in page["items"]] == [march["id"], cotech["id"], january["id"]]
    assert page["total"] == 3 and page["items"][0]["members"] == 4
    assert page["items"][0]["reference"] == "COPIL-2027-02"
    copil_only = ok(api["owner"].get(MEETINGS + "?committee=copil&state=planned,cancelled"))
    assert [m["id"] for m in copil_only["items"]] == [march["id"], january["id"]]
    cancelled = ok(api["owner"].get(MEETINGS + "?state=cancelled"))
    assert [m["state"] for m in cancelled["items"]] == ["cancelled"]
    second = ok(api["owner"].get(MEETINGS + "?per_page=2&page=2"))
    assert [m["id"] for m in second["items"]] == [january["id"]] and second["total"] == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ("state=nope", "state"),
        ("committee=cnil", "committee"),
        ("per_page=0", "per_page"),
        ("x=1", "x"),
    ],
)
def test_bad_calendar_arguments_get_422_by_field(api, query, field):
    response = api["owner"].get(f"{MEETINGS}?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


# Closing


def test_closing_twice_is_a_conflict(world, api, copil):
    meeting, _refs, items = in_session(world, api, copil)
    ok(decide(api, meeting, items[0]))
    ok(close(api, meeting))
    again = close(api, meeting)
    assert again.status_code == 409
    assert again.json["code"] == "conflict"
    assert "La séance est tenue" in again.json["message"]


def test_closing_without_quorum_is_409_with_the_report(world, api, copil):
    meeting, refs, items = in_session(world, api, copil)
    ok(decide(api, meeting, items[0]))
    for user_id in copil[1:3]:
        ok(attend(api, meeting, user_id, "absent"))
    refused = close(api, meeting)
    assert refused.status_code == 409, refused.json
    assert refused.json["code"] == "meeting_not_ready"
    assert "quorum non atteint" in refused.json["message"]
    report = refused.json["details"]
    assert report["quorum"]["met"] is False and report["ready"] is False
    assert report["items"][0]["decision_number"] == "COPIL-2027-01/D01"
    assert report["items"][0]["applies"] is False
    assert "quorum non atteint" in report["items"][0]["reasons"][0]
    # The dry run answers 200 with the same report, and nothing was applied.
    assert ok(close(api, meeting, dry_run=True))["report"] == report
    assert ok(api["copil"].get(f"/api/v1/schemes/{refs[0].id}"))["state"] == "proposed"
    assert ok(api["copil"].get(f"{MEETINGS}/{meeting['id']}"))["state"] == "convened"


def test_a_record_changed_since_it_was_put_on_the_agenda_is_reported_not_decided(world, api, copil):
    meeting, refs, items = in_session(world, api, copil, schemes=2)
    for item in items:
        ok(decide(api, meeting, item))
    # Meanwhile an extraordinary session sends it back and the COTECH proposes it again.
    elsewhere = session_marker("COPIL-2027-02/D01")
    world.fire(refs[1], "send_back", "copil", {"comment": "Renvoi en séance"}, session=elsewhere)
    world.fire(refs[1], "propose", "cotech2")
    refused = close(api, meeting)
    assert refused.status_code == 409 and refused.json["code"] == "meeting_not_ready"
    checks = refused.json["details"]["items"]
    assert [c["applies"] for c in checks] == [True, False]
    assert "a changé depuis son inscription" in checks[1]["reasons"][0]
    assert ok(api["copil"].get(f"/api/v1/schemes/{refs[0].id}"))["state"] == "proposed"


def test_a_stale_version_and_the_generic_close_are_refused(world, api, copil):
    meeting, _refs, items = in_session(world, api, copil)
    ok(decide(api, meeting, items[0]))
    stale = close(api, meeting, version=meeting["version"])  # read before the convocation
    assert stale.status_code == 409 and stale.json["current_version"] == meeting["version"] + 1
    generic = fire(api, meeting, "close")
    assert generic.status_code == 403
    assert [r["code"] for r in generic.json["reasons"]] == ["meeting_required"]
    closing = next(
        t
        for t in ok(api["secretary"].get(f"{MEETINGS}/{meeting['id']}"))["transitions"]
        if t["name"] == "close"
    )
    assert closing["allowed"] is True  # through POST …/close


def test_two_secretaries_closing_at_once_exactly_one_succeeds(world, api, copil, app):
    meeting, refs, items = in_session(world, api, copil, schemes=2)
    for item in items:
        ok(decide(api, meeting, item))
    version = ok(api["secretary"].get(f"{MEETINGS}/{meeting['id']}"))["version"]
    callers = [
        caller_for(world, app.test_client(), world.actors[k]) for k in ("secretary", "admin")
    ]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def closing(caller):
        barrier.wait()
        body = {"dry_run": False, "version": version}
        statuses.append(caller.post(f"{MEETINGS}/{meeting['id']}/close", json=body).status_code)

    threads = [threading.Thread(target=closing, args=(c,)) for c in callers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200, 409]
    for ref in refs:
        assert ok(api["copil"].get(f"/api/v1/schemes/{ref.id}"))["state"] == "approved"
    approvals = [
        e
        for ref in refs
        for e in ok(api["copil"].get(f"/api/v1/schemes/{ref.id}/events"))
        if e["action"] == "approve"
    ]
    assert len(approvals) == 2


# Refusals in session


def test_a_recused_member_cannot_record_the_decision(world, api, client, copil):
    both = world.actors["both"] = world.add_user(
        "both", ["copil", "secretary"], world.organisation_id
    )
    api["both"] = caller_for(world, client, both)
    meeting, _refs, items = in_session(world, api, [*copil, both.id])
    assert both.id in {r["user_id"] for r in items[0]["recusals"]}
    refused = decide(api, meeting, items[0], who="both")
    assert refused.status_code == 403
    assert [r["code"] for r in refused.json["reasons"]] == ["recused"]
    item = ok(api["copil"].get(f"{MEETINGS}/{meeting['id']}"))["items"][0]
    assert item["decision"] is None


def test_no_decision_without_quorum(world, api, copil):
    meeting = ok(plan(world, api, copil), 201)
    item = put_on_agenda(api, meeting, world.scheme("proposed"))
    ok(fire(api, meeting, "convene"))
    ok(attend(api, meeting, copil[0]))
    refused = decide(api, meeting, item)
    assert refused.status_code == 403
    [reason] = refused.json["reasons"]
    assert reason["code"] == "no_quorum" and "quorum non atteint" in reason["message"]


def test_a_proxy_given_twice_is_refused(world, api, copil):
    meeting, _refs, _items = in_session(world, api, copil)
    ok(attend(api, meeting, copil[1], "represented", copil[0]))
    twice = attend(api, meeting, copil[2], "represented", copil[0])
    assert twice.status_code == 422
    assert "un seul chacun" in twice.json["errors"]["proxy_holder_id"][0]


def test_a_member_not_convened_is_refused(world, api, copil):
    meeting, _refs, items = in_session(world, api, copil[:3])
    outsider = world.actors["prefecture"].id
    absent = attend(api, meeting, outsider)
    assert absent.status_code == 422
    assert absent.json["errors"]["user_id"] == ["Cette personne n'est pas convoquée à la séance."]
    path = f"{MEETINGS}/{meeting['id']}/items/{items[0]['id']}/recusals"
    recusal = api["secretary"].post(path, json={"user_id": outsider, "reason": "parent"})
    assert recusal.status_code == 422 and "user_id" in recusal.json["errors"]


def test_planning_is_for_secretaries_and_admins(world, api, copil):
    for who in ("owner", "copil"):
        refused = plan(world, api, copil, who=who)
        assert refused.status_code == 403
        assert [r["code"] for r in refused.json["reasons"]] == ["role_required"]
    assert ok(api["owner"].get(MEETINGS))["total"] == 0
    assert plan(world, api, copil, who="admin").status_code == 201


def test_planning_says_in_french_what_is_wrong(world, api, copil):
    refused = plan(
        world, api, [*copil, world.actors["owner"].id], secretary_id=world.actors["copil"].id
    )
    assert refused.status_code == 422
    errors = refused.json["errors"]
    assert errors["member_ids"] == ["Ne sont pas membres actifs du COPIL : owner@example.mq."]
    assert "secretary_id" in errors


def test_a_transition_needs_its_inputs_and_the_right_role(world, api, copil):
    meeting = ok(plan(world, api, copil), 201)
    without = fire(api, meeting, "cancel")
    assert without.status_code == 422 and "comment" in without.json["errors"]
    by_copil = fire(api, meeting, "convene", who="copil")
    assert by_copil.status_code == 403
    unknown = fire(api, meeting, "dissolve")
    assert unknown.status_code == 422 and "transition" in unknown.json["errors"]
    assert ok(fire(api, meeting, "cancel", comment="Reportée"))["state"] == "cancelled"
    late = api["secretary"].post(f"{MEETINGS}/{meeting['id']}/items", json={"title": "Divers"})
    assert late.status_code == 409


# Unknown ids and bad bodies


def test_unknown_meetings_and_items_are_404(world, api, copil):
    meeting, _refs, items = in_session(world, api, copil)
    other = ok(plan(world, api, copil), 201)
    item = items[0]
    for path in (f"{MEETINGS}/999999", f"{MEETINGS}/2147483648", f"{MEETINGS}/0"):
        assert api["copil"].get(path).status_code == 404
    assert decide(api, other, item).status_code == 404  # an item of another meeting
    assert decide(api, meeting, {"id": 999999}).status_code == 404
    assert decide(api, meeting, {"id": 2**31}).status_code == 404
    path = f"{MEETINGS}/{other['id']}/items/{item['id']}/recusals"
    assert api["secretary"].post(path, json={"user_id": copil[0], "reason": "x"}).status_code == 404
    assert close(api, {"id": 999999}, version=1).status_code == 404
    assert attend(api, {"id": 2**31}, copil[0]).status_code == 404
    response = api["secretary"].post(
        f"{MEETINGS}/{meeting['id']}/items", json={"record": {"type": "scheme", "id": 999999}}
    )
    assert response.status_code == 404
    assert ok(api["copil"].get(f"{MEETINGS}/{meeting['id']}"))["items"][0]["decision"] is None


def test_malformed_json_is_400(world, api, copil):
    meeting = ok(plan(world, api, copil), 201)
    for path in (MEETINGS, f"{MEETINGS}/{meeting['id']}/close"):
        response = api["secretary"].post(
            path, data='{"version": 1,', headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400 and response.json["code"] == "bad_request"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"member_ids": "copil"}, "member_ids"),
        ({"member_ids": []}, "member_ids"),
        ({"member_ids": [2**31]}, "member_ids.0"),
        ({"starts_at": "2027-01-14T09:00:00"}, "starts_at"),
        ({"starts_at": "jeudi"}, "starts_at"),
        ({"secretary_id": "1"}, "secretary_id"),
        ({"committee": "cnil"}, "committee"),
        ({"quorum_rule": "au doigt"}, "quorum_rule"),
        ({"title": ""}, "title"),
        ({"colour": "bleu"}, "colour"),
    ],
)
def test_a_plan_of_the_wrong_types_is_422_by_field(world, api, copil, change, field):
    refused = plan(world, api, copil, **change)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"outcome": "approuver"}, "outcome"),
        ({"outcome": "approve", "votes": {"for": -1, "against": 0, "abstention": 0}}, "votes.for"),
        ({"outcome": "approve", "votes": {"for": "2", "against": 0, "abstention": 0}}, "votes.for"),
        ({"outcome": "approve", "votes": {"for": 1, "against": 0}}, "votes.abstention"),
        ({"outcome": "approve", "votes": {"for": 4, "against": 0, "abstention": 1}}, "votes"),
        ({"outcome": "approve", "comment": 3}, "comment"),
    ],
)
def test_a_decision_of_the_wrong_types_is_422_by_field(world, api, copil, body, field):
    meeting, _refs, items = in_session(world, api, copil)
    refused = decide(api, meeting, items[0], **body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"]


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("close", {"dry_run": "oui", "version": 2}, "dry_run"),
        ("close", {"dry_run": True}, "version"),
        ("items", {"record": {"type": "meeting", "id": 1}}, "record.type"),
        ("items", {"record": {"type": "scheme", "id": 1}, "title": "Les deux"}, "title"),
        ("items", {}, "title"),
        ("attendance/{member}", {"attendance": "en retard"}, "attendance"),
        (
            "attendance/{member}",
            {"attendance": "represented", "proxy_holder_id": None},
            "proxy_holder_id",
        ),
    ],
)
def test_other_bodies_of_the_wrong_types_are_422_by_field(world, api, copil, path, body, field):
    meeting, _refs, _items = in_session(world, api, copil)
    url = f"{MEETINGS}/{meeting['id']}/" + path.format(member=copil[0])
    method = api["secretary"].put if path.startswith("attendance") else api["secretary"].post
    refused = method(url, json=body)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"]

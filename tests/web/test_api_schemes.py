"""The schemes resource: lists filtered like the inventory, records with their transitions."""

import pytest

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent

SCHEMES = "/api/v1/schemes"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_the_list_filters_like_the_inventory(world, api):
    mediation = world.scheme("recorded")
    sport = world.scheme(
        "reviewed",
        title="Sport en soirée",
        themes=["sport_culture_loisirs"],
        publics=["enfants"],
        aid_types=["formation"],
        territories=["COM-97213"],
    )
    draft = world.scheme("draft", complete=False, title="Brouillon")
    owner = api["owner"]
    assert _ids(owner.get(SCHEMES + "?state=recorded")) == [mediation.id]
    assert _ids(owner.get(SCHEMES + "?state=recorded,reviewed")) == [mediation.id, sport.id]
    assert _ids(owner.get(SCHEMES + "?state=recorded&state=draft")) == [mediation.id, draft.id]
    assert _ids(owner.get(SCHEMES + "?state=draft")) == [draft.id]
    assert _ids(owner.get(SCHEMES + "?theme=sport_culture_loisirs")) == [sport.id]
    assert _ids(owner.get(SCHEMES + "?public=adolescents")) == [mediation.id]
    assert _ids(owner.get(SCHEMES + "?aid_type=mediation")) == [mediation.id]
    assert _ids(owner.get(SCHEMES + "?territory=COM-97209")) == [mediation.id]
    assert _ids(owner.get(SCHEMES + "?q=SOIREE")) == [sport.id]
    assert _ids(owner.get(f"{SCHEMES}?organisation_id={world.other_organisation_id}")) == []
    assert len(_ids(owner.get(f"{SCHEMES}?organisation_id={world.organisation_id}"))) == 3
    assert _ids(owner.get(SCHEMES + "?updated_since=2999-01-01T00:00:00Z")) == []
    assert len(_ids(owner.get(SCHEMES + "?updated_since=2000-01-01T00:00:00%2B04:00"))) == 3
    # Another organisation's draft is not in the list of a COTECH member.
    assert draft.id not in _ids(api["cotech"].get(SCHEMES))


@pytest.mark.parametrize(
    "query, field",
    [
        ("state=nope", "states"),
        ("theme=nope", "themes"),
        ("public=nope", "publics"),
        ("aid_type=nope", "aid_types"),
        ("territory=COM-00000", "territory"),
        ("organisation_id=abc", "organisation_id"),
        ("organisation_id=99999999999999999999", "organisation_id"),
        ("updated_since=hier", "updated_since"),
        ("updated_since=2025-01-01T00:00:00", "updated_since"),
        ("sort=colour", "sort"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
        ("per_page=5.0", "per_page"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_list_arguments_get_422_by_field(api, query, field):
    response = api["owner"].get(f"{SCHEMES}?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_pages_cover_the_whole_inventory_in_a_stable_order(world, api):
    refs = [world.scheme("recorded", title=t) for t in ("B", "A", "C", "A", "B")]
    pages = []
    for page in (1, 2, 3):
        body = api["cotech"].get(f"{SCHEMES}?sort=title&per_page=2&page={page}").json
        assert (body["total"], body["page"], body["per_page"]) == (5, page, 2)
        pages.append([(item["title"], item["id"]) for item in body["items"]])
    flat = [row for page in pages for row in page]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert flat == sorted((t, r.id) for t, r in zip("BACAB", refs, strict=True))
    newest_first = _ids(api["cotech"].get(SCHEMES + "?sort=-updated_at"))
    assert len(newest_first) == 5 and set(newest_first) == {r.id for r in refs}
    by_reference = _ids(api["cotech"].get(SCHEMES + "?sort=-reference"))
    assert by_reference == sorted((r.id for r in refs), reverse=True)


def test_a_record_carries_its_transitions_with_the_reasons_in_french(world, api):
    ref = world.scheme("recorded")
    body = api["cotech"].get(f"{SCHEMES}/{ref.id}").json
    assert body["workflow"] == {"name": "scheme", "version": 1}
    assert {"id", "reference", "state", "version", "title", "themes"} <= set(body)
    review = next(t for t in body["transitions"] if t["name"] == "review")
    assert review["allowed"] is True and review["reasons"] == []
    # The owner submitted it; a COTECH member who submitted would be refused the same way.
    world.fire(ref, "request_changes", "cotech", {"comment": "Budget ?"})
    world.fire(ref, "submit", "owner")
    as_owner = api["owner"].get(f"{SCHEMES}/{ref.id}").json
    review = next(t for t in as_owner["transitions"] if t["name"] == "review")
    assert review["allowed"] is False
    assert review["reasons"][0]["code"] == "role_required"
    reject = next(t for t in as_owner["transitions"] if t["name"] == "reject")
    assert reject["inputs"] == [{"name": "comment", "type": "text", "required": True}]


def test_the_submitter_sees_review_refused_by_separation_of_duties(world, api, client):
    """A COTECH member who also carries schemes for their organisation submits one."""
    from engine.services.tokens import create_token
    from tests.web.conftest import Caller

    both = world.add_user("cotech_owner", ["owner", "cotech"], world.organisation_id)
    with UnitOfWork(world.db) as uow:
        caller = Caller(client, create_token(uow, both, both.id, "tests").secret)
    ref = world.scheme("draft")
    version = caller.get(f"{SCHEMES}/{ref.id}").json["version"]
    submitted = caller.post(
        f"{SCHEMES}/{ref.id}/transitions", json={"transition": "submit", "version": version}
    )
    review = next(t for t in submitted.json["transitions"] if t["name"] == "review")
    assert review["allowed"] is False
    assert review["reasons"] == [
        {
            "code": "separation_of_duties",
            "message": "Vous avez soumis ce dispositif : un autre membre du COTECH doit "
            "l'examiner.",
            "fields": [],
        }
    ]
    refused = caller.post(
        f"{SCHEMES}/{ref.id}/transitions", json={"transition": "review", "version": version + 1}
    )
    assert refused.status_code == 403
    assert [r["code"] for r in refused.json["reasons"]] == ["separation_of_duties"]


def test_create_a_draft(world, api):
    response = api["owner"].post(
        SCHEMES,
        json={
            "title": "Atelier numérique",
            "organisation_id": world.organisation_id,
            "themes": ["sport_culture_loisirs"],
            "capacity": 12,
            "annual_budget": "1500.5",
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["state"], body["version"], body["capacity"]) == ("draft", 1, 12)
    assert body["annual_budget"] == "1500.50"
    assert body["reference"].startswith("DSP-")
    assert api["owner"].get(f"{SCHEMES}/{body['id']}").status_code == 200
    assert api["other_owner"].get(f"{SCHEMES}/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "X"}, "organisation_id"),
        ({"title": "X", "organisation_id": "1"}, "organisation_id"),
        ({"title": "X", "organisation_id": 2**64}, "organisation_id"),
        ({"title": "X", "organisation_id": 1, "capacity": "5"}, "capacity"),
        ({"title": "X", "organisation_id": 1, "capacity": 2**40}, "capacity"),
        ({"title": "X", "organisation_id": 1, "colour": "bleu"}, "colour"),
        ({"title": "X", "organisation_id": 1, "themes": ["nope"]}, "themes"),
    ],
)
def test_create_refuses_bad_fields_by_name(world, api, body, field):
    response = api["owner"].post(SCHEMES, json=body)
    assert response.status_code == 422, response.json
    assert any(key.startswith(field) for key in response.json["errors"]), response.json


def test_create_for_an_unknown_organisation_gets_422(api):
    response = api["admin"].post(SCHEMES, json={"title": "X", "organisation_id": 99999})
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]


def test_create_for_another_organisation_is_refused(world, api):
    response = api["other_owner"].post(
        SCHEMES, json={"title": "X", "organisation_id": world.organisation_id}
    )
    assert response.status_code == 403
    assert response.json["reasons"][0]["code"]


def test_patch_edits_and_a_stale_version_gets_409_with_who(world, api):
    ref = world.scheme("draft")
    version = api["owner"].get(f"{SCHEMES}/{ref.id}").json["version"]
    edited = api["owner2"].patch(
        f"{SCHEMES}/{ref.id}", json={"version": version, "summary": "Nouveau résumé"}
    )
    assert edited.status_code == 200, edited.json
    assert (edited.json["summary"], edited.json["version"]) == ("Nouveau résumé", version + 1)
    stale = api["owner"].patch(f"{SCHEMES}/{ref.id}", json={"version": version, "title": "Y"})
    assert stale.status_code == 409
    assert stale.json["current_version"] == version + 1
    assert stale.json["changed_by"] == "owner2@example.mq"
    assert stale.json["changed_at"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "Y"}, "version"),
        ({"version": "2", "title": "Y"}, "version"),
        ({"version": 2, "colour": "bleu"}, "colour"),
        ({"version": 2, "age_min": "5"}, "age_min"),
        ({"version": 2, "contact_email": "pas un courriel"}, "contact_email"),
    ],
)
def test_patch_refuses_bad_bodies_by_field(world, api, body, field):
    ref = world.scheme("draft")
    response = api["owner"].patch(f"{SCHEMES}/{ref.id}", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_transitions_answer_200_403_404_409_422(world, api):
    ref = world.scheme("draft")
    url = f"{SCHEMES}/{ref.id}/transitions"
    version = api["owner"].get(f"{SCHEMES}/{ref.id}").json["version"]
    assert (
        api["other_owner"].post(url, json={"transition": "submit", "version": version}).status_code
        == 404
    )
    refused = api["cotech"].post(url, json={"transition": "submit", "version": version})
    assert refused.status_code == 404  # a draft is not visible to the COTECH
    done = api["owner"].post(url, json={"transition": "submit", "version": version})
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["version"]) == ("recorded", version + 1)
    again = api["owner"].post(url, json={"transition": "submit", "version": version})
    assert again.status_code == 409 and again.json["current_version"] == version + 1
    refused = api["owner"].post(url, json={"transition": "review", "version": version + 1})
    assert refused.status_code == 403
    assert [r["code"] for r in refused.json["reasons"]] == ["role_required"]
    missing = api["cotech"].post(url, json={"transition": "reject", "version": version + 1})
    assert missing.status_code == 422 and "comment" in missing.json["errors"]
    unknown = api["cotech"].post(url, json={"transition": "fly", "version": version + 1})
    assert unknown.status_code == 422 and "transition" in unknown.json["errors"]
    extra = api["cotech"].post(
        url, json={"transition": "reject", "version": version + 1, "comment": "Non", "x": 1}
    )
    assert extra.status_code == 422 and "x" in extra.json["errors"]
    assert api["cotech"].post(url, json={"transition": "reject"}).status_code == 422


def test_missing_fields_are_named_when_submitting_an_incomplete_draft(world, api):
    ref = world.scheme("draft", complete=False)
    url = f"{SCHEMES}/{ref.id}/transitions"
    version = api["owner"].get(f"{SCHEMES}/{ref.id}").json["version"]
    response = api["owner"].post(url, json={"transition": "submit", "version": version})
    assert response.status_code == 422
    assert {"summary", "themes"} <= set(response.json["errors"])


def test_the_same_transition_twice_is_applied_once(world, api):
    ref = world.scheme("recorded")
    url = f"{SCHEMES}/{ref.id}/transitions"
    version = api["cotech2"].get(f"{SCHEMES}/{ref.id}").json["version"]
    first = api["cotech2"].post(url, json={"transition": "review", "version": version})
    second = api["cotech2"].post(url, json={"transition": "review", "version": version})
    assert (first.status_code, second.status_code) == (200, 409)
    with UnitOfWork(world.db) as uow:
        reviews = uow.session.query(AuditEvent).filter_by(record_id=ref.id, action="review")
        assert reviews.count() == 1


def test_events_and_comments_of_a_scheme(world, api):
    ref = world.scheme("changes_requested")
    posted = api["owner"].post(f"{SCHEMES}/{ref.id}/comments", json={"body": "Budget ajouté."})
    assert posted.status_code == 201 and posted.json["body"] == "Budget ajouté."
    events = api["owner"].get(f"{SCHEMES}/{ref.id}/events").json
    assert [e["action"] for e in events] == [
        "create",
        "edit",
        "submit",
        "request_changes",
        "comment",
    ]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions)
    assert events[3]["comment"] == "Précisez le budget."
    assert (events[3]["from_state"], events[3]["to_state"]) == ("recorded", "changes_requested")
    assert events[0]["occurred_at"].endswith("Z")
    assert "summary" in events[1]["changes"]
    draft = world.scheme("draft")
    assert api["other_owner"].get(f"{SCHEMES}/{draft.id}/events").status_code == 404
    assert (
        api["other_owner"].post(f"{SCHEMES}/{draft.id}/comments", json={"body": "?"}).status_code
        == 404
    )


@pytest.mark.parametrize("suffix", ["", "/events"])
@pytest.mark.parametrize("ident", [0, 2**31, 2**63 - 1])
def test_out_of_range_ids_are_not_found(api, suffix, ident):
    assert api["owner"].get(f"{SCHEMES}/{ident}{suffix}").status_code == 404


def test_out_of_range_ids_are_not_found_on_writes(api):
    url = f"{SCHEMES}/{2**31}"
    assert api["owner"].patch(url, json={"version": 1, "title": "x"}).status_code == 404
    body = {"transition": "submit", "version": 1}
    assert api["owner"].post(url + "/transitions", json=body).status_code == 404

"""A scheme and a pooling walked through their whole lives over real HTTP, by several users.

gunicorn serves the app (two workers, so consecutive requests may land on different processes);
every step is an HTTP request with the bearer token of the user who would take it, but the
COPIL's decision: the API refuses it to a member alone, and a meeting takes it in session
(through the meeting services, on the same database).
"""

from engine.services.common import RecordRef
from tests.e2e.conftest import Client
from tests.factories import World

COMPLETE = {
    "summary": "Médiateurs de rue auprès des jeunes le soir",
    "description": "Une équipe de médiateurs va à la rencontre des jeunes dans les quartiers.",
    "themes": ["mediation_tranquillite", "prevention_delinquance_jeunes"],
    "publics": ["adolescents", "jeunes_adultes"],
    "aid_types": ["mediation", "accompagnement"],
    "territories": ["COM-97209", "COM-97213"],
    "start_date": "2024-01-15",
    "eligibility": "Jeunes de 12 à 25 ans résidant sur le territoire.",
    "contact_email": "mediation@example.mq",
}


def ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.text)
    return answer.json()


def fire(user: Client, path: str, record: dict, name: str, **inputs) -> dict:
    """POST a transition at the version last read; return the record as answered."""
    body = {"transition": name, "version": record["version"], **inputs}
    after = ok(user.post(f"{path}/{record['id']}/transitions", json=body))
    assert after["version"] == record["version"] + 1
    return after


def new_scheme(owner: Client, world: World, title: str) -> dict:
    body = {"title": title, "organisation_id": world.organisation_id, **COMPLETE}
    scheme = ok(owner.post("/api/v1/schemes", json=body), 201)
    assert scheme["state"] == "draft"
    return scheme


def reviewed_scheme(users: dict[str, Client], world: World, title: str) -> dict:
    scheme = fire(
        users["owner"], "/api/v1/schemes", new_scheme(users["owner"], world, title), "submit"
    )
    return fire(users["cotech"], "/api/v1/schemes", scheme, "review")


def actions(user: Client, path: str) -> list[tuple[str, str | None, str | None]]:
    return [(e["action"], e["actor_label"], e["to_state"]) for e in ok(user.get(path))]


def test_a_scheme_from_draft_to_approval(users: dict[str, Client], world: World) -> None:
    owner, cotech, cotech2, copil = (users[k] for k in ("owner", "cotech", "cotech2", "copil"))
    path = "/api/v1/schemes"
    scheme = new_scheme(owner, world, "Médiation de rue")
    scheme = fire(owner, path, scheme, "submit")
    assert scheme["state"] == "recorded"
    scheme = fire(cotech, path, scheme, "request_changes", comment="Précisez le budget.")
    assert scheme["state"] == "changes_requested"

    edit = {"version": scheme["version"], "annual_budget": "45000.00"}
    scheme = ok(owner.patch(f"{path}/{scheme['id']}", json=edit))
    assert scheme["annual_budget"] == "45000.00"
    scheme = fire(owner, path, scheme, "submit")
    scheme = fire(cotech2, path, scheme, "review")
    assert scheme["state"] == "reviewed"
    scheme = fire(cotech2, path, scheme, "propose")

    # The COPIL decides in session: one member's call is refused, nothing written.
    refused = copil.post(
        f"{path}/{scheme['id']}/transitions",
        json={
            "transition": "approve",
            "version": scheme["version"],
            "decision_reference": "COPIL du 09/12/2025, décision n°3",
        },
    )
    assert refused.status_code == 403, refused.text
    assert "ne se fait qu'en séance" in refused.json()["reasons"][0]["message"]
    held = world.hold_meeting([(RecordRef("scheme", scheme["id"]), "approve", {})])
    scheme = ok(copil.get(f"{path}/{scheme['id']}"))
    assert (scheme["state"], scheme["decision_reference"]) == ("approved", held.numbers[0])

    assert actions(cotech, f"{path}/{scheme['id']}/events") == [
        ("create", "owner@example.mq", "draft"),
        ("submit", "owner@example.mq", "recorded"),
        ("request_changes", "cotech@example.mq", "changes_requested"),
        ("edit", "owner@example.mq", None),
        ("submit", "owner@example.mq", "recorded"),
        ("review", "cotech2@example.mq", "reviewed"),
        ("propose", "cotech2@example.mq", "proposed"),
        ("approve", f"COPIL en séance {held.reference} (secretariat@example.mq)", "approved"),
    ]
    assert ok(users["admin"].get("/api/v1/audit/verify"))["ok"] is True


def test_a_pooling_from_creation_to_approval(users: dict[str, Client], world: World) -> None:
    cotech, cotech2, copil = users["cotech"], users["cotech2"], users["copil"]
    members = [reviewed_scheme(users, world, f"Membre {i}") for i in (1, 2)]
    body = {
        "title": "Mutualiser la médiation",
        "rationale": "Deux dispositifs se recouvrent sur les mêmes quartiers.",
        "kind": "fusion",
        "lead_organisation_id": world.organisation_id,
        "scheme_ids": [m["id"] for m in members],
    }
    path = "/api/v1/poolings"
    pooling = ok(cotech.post(path, json=body), 201)
    assert pooling["state"] == "recorded"

    # The author may not review their own pooling (four eyes), whichever worker answers.
    own = cotech.post(
        f"{path}/{pooling['id']}/transitions",
        json={"transition": "review", "version": pooling["version"]},
    )
    assert own.status_code == 403, own.text
    pooling = fire(cotech2, path, pooling, "review")
    pooling = fire(cotech2, path, pooling, "propose")
    alone = copil.post(
        f"{path}/{pooling['id']}/transitions",
        json={"transition": "approve", "version": pooling["version"], "decision_reference": "4"},
    )
    assert alone.status_code == 403, alone.text
    world.decide(RecordRef("pooling", pooling["id"]), "approve")
    pooling = ok(copil.get(f"{path}/{pooling['id']}"))
    assert pooling["state"] == "approved"

    for member in members:
        linked = ok(cotech.get(f"/api/v1/schemes/{member['id']}"))
        assert linked["pooling_id"] == pooling["id"]
        assert linked["version"] == member["version"] + 1
        assert actions(cotech, f"/api/v1/schemes/{member['id']}/events")[-1][0] == "link_pooling"
    assert [a[0] for a in actions(cotech, f"{path}/{pooling['id']}/events")] == [
        "create",
        "review",
        "propose",
        "approve",
    ]
    verification = ok(users["admin"].get("/api/v1/audit/verify"))
    assert verification["ok"] is True, verification
    assert verification["count"] > 10
    assert users["owner"].get("/api/v1/audit/verify").status_code == 403

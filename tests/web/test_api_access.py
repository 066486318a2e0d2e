"""Who may do what through the API: role × action × ownership, with statuses and reason codes."""

import pytest

from engine.db.uow import UnitOfWork
from engine.models import ApiToken, User
from engine.services.tokens import create_token, revoke_token
from tests.web.conftest import Caller

SCHEMES = "/api/v1/schemes"


def _transition(name: str, **inputs):
    def call(caller, ref, version):
        body = {"transition": name, "version": version, **inputs}
        return caller.post(f"{SCHEMES}/{ref.id}/transitions", json=body)

    call.__name__ = name
    return call


def _read(caller, ref, version):
    return caller.get(f"{SCHEMES}/{ref.id}")


def _events(caller, ref, version):
    return caller.get(f"{SCHEMES}/{ref.id}/events")


def _edit(caller, ref, version):
    return caller.patch(f"{SCHEMES}/{ref.id}", json={"version": version, "summary": "Revu"})


def _comment(caller, ref, version):
    return caller.post(f"{SCHEMES}/{ref.id}/comments", json={"body": "Une remarque."})


# (who, state of a scheme of the main organisation, action, status, reason codes)
MATRIX = [
    ("owner", "draft", _read, 200, None),
    ("owner2", "draft", _read, 200, None),
    ("other_owner", "draft", _read, 404, None),
    ("cotech", "draft", _read, 404, None),
    ("copil", "draft", _read, 404, None),
    ("admin", "draft", _read, 200, None),
    ("other_owner", "draft", _events, 404, None),
    ("other_owner", "draft", _comment, 404, None),
    ("other_owner", "recorded", _read, 200, None),
    ("owner2", "draft", _edit, 200, None),
    ("other_owner", "draft", _edit, 404, None),
    ("cotech", "draft", _edit, 404, None),
    ("owner", "draft", _transition("submit"), 200, None),
    ("owner2", "draft", _transition("submit"), 200, None),
    ("other_owner", "draft", _transition("submit"), 404, None),
    ("cotech", "draft", _transition("submit"), 404, None),
    ("admin", "draft", _transition("submit"), 403, ["role_required"]),
    ("owner", "recorded", _transition("review"), 403, ["role_required"]),
    ("other_owner", "recorded", _transition("review"), 403, ["role_required"]),
    ("copil", "recorded", _transition("review"), 403, ["role_required"]),
    ("cotech", "recorded", _transition("review"), 200, None),
    ("cotech_owner", "recorded", _transition("review"), 200, None),
    ("cotech_owner", "submitted_by_me", _transition("review"), 403, ["separation_of_duties"]),
    ("cotech2", "submitted_by_me", _transition("review"), 200, None),
    ("other_owner", "recorded", _transition("withdraw"), 403, ["not_owner_organisation"]),
    ("owner", "recorded", _transition("withdraw"), 200, None),
    # The COPIL decides in session only (a meeting's close), whoever asks through the API.
    (
        "cotech",
        "proposed",
        _transition("approve", decision_reference="COPIL-2026-01/D01"),
        403,
        ["meeting_required"],
    ),
    (
        "copil",
        "proposed",
        _transition("approve", decision_reference="COPIL-2026-01/D01"),
        403,
        ["meeting_required"],
    ),
    ("copil", "proposed", _transition("send_back", comment="?"), 403, ["meeting_required"]),
    ("copil", "proposed", _transition("reject", comment="Non"), 403, ["meeting_required"]),
    ("copil", "approved", _transition("reopen", comment="?"), 403, ["role_required"]),
    ("admin", "rejected", _transition("reopen", comment="Erreur"), 200, None),
    ("owner", "approved", _edit, 403, None),
    ("copil", "recorded", _comment, 201, None),
]


@pytest.fixture
def callers(world, api, client) -> dict[str, Caller]:
    """The world's callers, plus a COTECH member who is also an owner of the organisation."""
    both = world.add_user("cotech_owner", ["owner", "cotech"], world.organisation_id)
    with UnitOfWork(world.db) as uow:
        secret = create_token(uow, both, both.id, "tests").secret
    world.actors["cotech_owner"] = both
    return {**api, "cotech_owner": Caller(client, secret)}


def _scheme(world, callers, state: str):
    if state != "submitted_by_me":
        return world.scheme(state)
    ref = world.scheme("draft")
    world.fire(ref, "submit", "cotech_owner")
    return ref


@pytest.mark.parametrize(
    "who, state, action, status, codes",
    MATRIX,
    ids=[f"{w}-{s}-{getattr(a, '__name__', 'x')}-{n}" for w, s, a, n, _ in MATRIX],
)
def test_access_matrix(world, callers, who, state, action, status, codes):
    ref = _scheme(world, callers, state)
    version = callers["admin"].get(f"{SCHEMES}/{ref.id}").json["version"]
    response = action(callers[who], ref, version)
    assert response.status_code == status, response.json
    if codes is not None:
        assert [r["code"] for r in response.json["reasons"]] == codes
    if status == 404:
        assert response.json["code"] == "not_found"


CREATE = [("owner", 201), ("owner2", 201), ("admin", 201), ("other_owner", 403), ("cotech", 403)]


@pytest.mark.parametrize("who, status", CREATE)
def test_who_creates_a_scheme_for_the_organisation(world, api, who, status):
    body = {"title": "Nouveau", "organisation_id": world.organisation_id}
    assert api[who].post(SCHEMES, json=body).status_code == status


@pytest.mark.parametrize(
    "who, status", [("cotech", 201), ("owner", 403), ("copil", 403), ("admin", 403)]
)
def test_who_creates_a_pooling(world, api, who, status):
    members = [world.scheme("reviewed", title=f"M{i}") for i in (1, 2)]
    body = {
        "title": "Mutualiser",
        "rationale": "Recouvrement.",
        "kind": "fusion",
        "lead_organisation_id": world.organisation_id,
        "scheme_ids": [m.id for m in members],
    }
    assert api[who].post("/api/v1/poolings", json=body).status_code == status


def _deactivate(world, key):
    with UnitOfWork(world.db) as uow:
        uow.session.get(User, world.actors[key].id).active = False
        uow.commit()


def _revoke(world, key):
    with UnitOfWork(world.db) as uow:
        token = uow.session.query(ApiToken).filter_by(user_id=world.actors[key].id).one()
    with UnitOfWork(world.db) as uow:
        revoke_token(uow, world.actors[key], token.id)


@pytest.mark.parametrize("lose_access", [_deactivate, _revoke], ids=["deactivated", "revoked"])
def test_a_deactivated_user_or_a_revoked_token_gets_401_everywhere(world, api, lose_access):
    ref = world.scheme("recorded")
    lose_access(world, "cotech")
    cotech = api["cotech"]
    body = {"transition": "review", "version": 3}
    for response in (
        cotech.get(SCHEMES),
        cotech.get(f"{SCHEMES}/{ref.id}"),
        cotech.post(f"{SCHEMES}/{ref.id}/transitions", json=body),
        cotech.patch(f"{SCHEMES}/{ref.id}", json={"version": 3, "title": "x"}),
        cotech.get("/api/v1/poolings"),
    ):
        assert response.status_code == 401
        assert response.json["code"] == "unauthorized"


def test_no_token_gets_401_on_every_record_endpoint(world, client):
    ref = world.scheme("recorded")
    for method, path in [
        ("get", SCHEMES),
        ("post", SCHEMES),
        ("get", f"{SCHEMES}/{ref.id}"),
        ("patch", f"{SCHEMES}/{ref.id}"),
        ("post", f"{SCHEMES}/{ref.id}/transitions"),
        ("get", f"{SCHEMES}/{ref.id}/events"),
        ("get", "/api/v1/poolings"),
        ("get", "/api/v1/delegations"),
        ("post", "/api/v1/delegations"),
        ("get", "/api/v1/delegations/1"),
        ("delete", "/api/v1/delegations/1"),
        ("get", "/api/v1/reports/time-in-state"),
        ("get", "/api/v1/diagnostic"),
        ("post", "/api/v1/diagnostic/imports"),
        ("get", "/api/v1/opinions"),
        ("post", "/api/v1/opinions"),
        ("get", "/api/v1/opinions/1"),
        ("post", "/api/v1/opinions/1/answer"),
        ("post", "/api/v1/opinions/1/withdraw"),
        ("get", f"{SCHEMES}/{ref.id}/notes"),
        ("post", f"{SCHEMES}/{ref.id}/notes"),
        ("get", "/api/v1/poolings/1/notes"),
        ("post", "/api/v1/poolings/1/notes"),
        ("get", "/api/v1/objectives"),
        ("post", "/api/v1/objectives"),
        ("get", "/api/v1/objectives/1"),
        ("patch", "/api/v1/objectives/1"),
        ("post", "/api/v1/objectives/1/transitions"),
        ("get", "/api/v1/objectives/1/events"),
        ("post", "/api/v1/objectives/1/indicators"),
        ("post", "/api/v1/objectives/1/milestones"),
        ("post", "/api/v1/objectives/milestones/1/done"),
        ("get", "/api/v1/indicators"),
        ("get", "/api/v1/indicators/1"),
        ("post", "/api/v1/indicators/1/values"),
        ("get", "/api/v1/candidates"),
        ("post", "/api/v1/candidates/1/dismiss"),
    ]:
        response = getattr(client, method)(path, json={} if method != "get" else None)
        assert response.status_code == 401, (method, path)

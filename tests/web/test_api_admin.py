"""Organisations, users and tokens over the API: who may, what is shown, what is audited."""

import pytest

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.services.users import set_user_active, set_user_roles
from tests.factories import PASSWORD

NEW_USER = {
    "email": "Nouvelle@example.mq",
    "name": "Nouvelle Personne",
    "roles": ["cotech"],
    "password": PASSWORD,
}


def _actions(world, action: str) -> list[AuditEvent]:
    with UnitOfWork(world.db) as uow:
        return list(uow.session.query(AuditEvent).filter_by(action=action))


# organisations


def test_every_signed_in_user_lists_and_reads_organisations(world, api):
    listed = api["owner"].get("/api/v1/organisations")
    assert listed.status_code == 200
    assert {o["name"] for o in listed.json} == {
        "Ville de Fort-de-France",
        "Association Horizon Jeunesse",
    }
    one = api["copil"].get(f"/api/v1/organisations/{world.organisation_id}")
    assert one.json == {
        "id": world.organisation_id,
        "name": "Ville de Fort-de-France",
        "kind": "commune",
        "siren": "219722097",
        "siret": None,
    }
    assert api["owner"].get("/api/v1/organisations/999999").status_code == 404
    assert api["owner"].get(f"/api/v1/organisations/{2**31}").status_code == 404


def test_an_admin_records_an_organisation_others_are_refused(world, api):
    body = {"name": "Association Lamentin Solidaire", "kind": "association"}
    for key in ("owner", "copil"):
        refused = api[key].post("/api/v1/organisations", json=body)
        assert refused.status_code == 403 and refused.json["reasons"][0]["code"] == "role_required"
    created = api["admin"].post("/api/v1/organisations", json=body)
    assert created.status_code == 201, created.json
    assert created.json["name"] == "Association Lamentin Solidaire"
    again = api["admin"].post("/api/v1/organisations", json=body)
    assert again.status_code == 422 and "name" in again.json["errors"]
    assert api["admin"].post("/api/v1/organisations", json={**body, "x": 1}).status_code == 422
    assert len(_actions(world, "organisation_create")) == 3


# users


def test_only_an_admin_lists_users_and_no_hash_is_shown(world, api):
    listed = api["admin"].get("/api/v1/users")
    assert listed.status_code == 200
    assert len(listed.json) == len(world.actors)
    assert all("password" not in str(u) for u in listed.json)
    assert {"id", "email", "name", "roles", "organisation_id", "active"} <= set(listed.json[0])
    for key in ("owner", "copil", "cotech"):
        assert api[key].get("/api/v1/users").status_code == 403


def test_a_user_reads_themselves_but_not_others(world, api):
    me = world.actors["owner"].id
    assert api["owner"].get(f"/api/v1/users/{me}").json["email"] == "owner@example.mq"
    assert api["owner"].get(f"/api/v1/users/{world.actors['copil'].id}").status_code == 403
    assert api["admin"].get(f"/api/v1/users/{me}").json["roles"] == ["owner"]
    assert api["admin"].get("/api/v1/users/999999").status_code == 404
    assert api["admin"].get(f"/api/v1/users/{2**31}").status_code == 404


def test_an_admin_creates_a_user_with_strict_input(world, api):
    assert api["owner"].post("/api/v1/users", json=NEW_USER).status_code == 403
    created = api["admin"].post("/api/v1/users", json=NEW_USER)
    assert created.status_code == 201, created.json
    assert created.json["email"] == "nouvelle@example.mq"
    assert "password" not in created.json and "password_hash" not in created.json
    for wrong in (
        {**NEW_USER, "organisation_id": "1"},
        {**NEW_USER, "organisation_id": 2**31},
        {**NEW_USER, "roles": ["chef"]},
        {**NEW_USER, "unknown": True},
    ):
        assert api["admin"].post("/api/v1/users", json=wrong).status_code == 422, wrong
    duplicate = api["admin"].post("/api/v1/users", json=NEW_USER)
    assert duplicate.status_code == 422 and "email" in duplicate.json["errors"]


def test_an_admin_deactivates_reactivates_and_changes_roles(world, api):
    cotech = world.actors["cotech"].id
    path = f"/api/v1/users/{cotech}"
    assert api["copil"].patch(path, json={"active": False}).status_code == 403
    off = api["admin"].patch(path, json={"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    assert api["cotech"].get("/api/v1/organisations").status_code == 401
    assert api["admin"].patch(path, json={"active": True}).json["active"] is True
    assert api["cotech"].get("/api/v1/organisations").status_code == 200
    roles = api["admin"].patch(path, json={"roles": ["cotech", "copil"]})
    assert roles.json["roles"] == ["copil", "cotech"]
    assert api["admin"].patch(path, json={}).status_code == 422
    assert api["admin"].patch(path, json={"active": "false"}).status_code == 422
    assert [e.changes for e in _actions(world, "user_roles")] == [
        {"roles": {"before": ["cotech"], "after": ["copil", "cotech"]}}
    ]
    assert len(_actions(world, "user_deactivate")) == len(_actions(world, "user_reactivate")) == 1


def test_an_admin_cannot_lock_themselves_out(world, api):
    path = f"/api/v1/users/{world.actors['admin'].id}"
    assert api["admin"].patch(path, json={"active": False}).status_code == 403
    assert api["admin"].patch(path, json={"roles": ["cotech"]}).status_code == 403


def test_the_user_services_refuse_non_admins_and_bad_roles(world):
    from engine.errors import InvalidInput, NotPermitted

    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        set_user_active(uow, world.actors["copil"], world.actors["cotech"].id, False)
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput):
        set_user_roles(uow, world.actors["admin"], world.actors["cotech"].id, ["owner"])
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput):
        set_user_roles(uow, world.actors["admin"], world.actors["cotech"].id, [])
    assert _actions(world, "user_roles") == []


# tokens


def test_a_token_lives_created_used_listed_revoked(world, api, client):
    created = api["copil"].post("/api/v1/tokens", json={"name": "script"})
    assert created.status_code == 201
    secret = created.json["token"]
    assert secret.startswith("mlg_") and created.json["prefix"] == secret[:12]
    own = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/organisations", headers=own).status_code == 200
    listed = client.get("/api/v1/tokens", headers=own).json
    assert [t["name"] for t in listed] == ["tests copil", "script"]
    assert secret not in str(listed) and all("token" not in t for t in listed)
    assert client.delete(f"/api/v1/tokens/{created.json['id']}", headers=own).status_code == 204
    assert client.get("/api/v1/tokens", headers=own).status_code == 401
    revoked = api["copil"].get("/api/v1/tokens").json[1]
    assert revoked["revoked_at"] is not None
    events = _actions(world, "token_revoke")
    assert [e.data["token_id"] for e in events] == [created.json["id"]]
    assert secret not in str([e.data for e in _actions(world, "token_create")])


def test_a_token_is_revoked_by_its_owner_or_an_admin_only(world, api):
    token_id = api["owner"].post("/api/v1/tokens", json={"name": "a"}).json["id"]
    assert api["owner2"].delete(f"/api/v1/tokens/{token_id}").status_code == 403
    assert api["admin"].delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert api["admin"].delete("/api/v1/tokens/999999").status_code == 404
    assert api["admin"].delete(f"/api/v1/tokens/{2**31}").status_code == 404
    assert api["owner"].post("/api/v1/tokens", json={"name": ""}).status_code == 422
    assert api["owner"].post("/api/v1/tokens", json={"name": "x", "y": 1}).status_code == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/organisations"),
        ("post", "/api/v1/organisations"),
        ("get", "/api/v1/users"),
        ("get", "/api/v1/users/1"),
        ("post", "/api/v1/users"),
        ("patch", "/api/v1/users/1"),
        ("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"),
        ("delete", "/api/v1/tokens/1"),
        ("get", "/api/v1/events"),
        ("get", "/api/v1/audit/verify"),
    ],
)
def test_every_endpoint_wants_a_token(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401 and response.json["code"] == "unauthorized"

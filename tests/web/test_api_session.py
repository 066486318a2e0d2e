"""A signed-in browser session reads the API, writes only with its CSRF token, and ends
when the user's session version moves (sign-out everywhere, deactivation, role change)."""

from engine.db.uow import UnitOfWork
from engine.models import User


def sign_in(client, world, key: str) -> None:
    with UnitOfWork(world.db) as uow:
        version = uow.session.get(User, world.actors[key].id).session_version
    with client.session_transaction() as session:
        session["_user_id"] = f"{world.actors[key].id}:{version}"
        session["_fresh"] = True


def test_a_session_reads_the_api_and_learns_its_csrf_token(client, world):
    sign_in(client, world, "cotech")
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["email"] == "cotech@example.mq"
    assert me.json["roles"] == ["cotech"]
    assert len(me.json["csrf_token"]) > 20
    assert client.get("/api/v1/territories").status_code == 200


def test_a_session_write_without_its_csrf_token_is_refused(client, world):
    sign_in(client, world, "cotech")
    response = client.post("/api/v1/territories", json={})
    assert response.status_code == 400
    assert response.json["code"] == "bad_request"


def test_a_session_write_with_its_csrf_token_passes_authentication(client, world):
    sign_in(client, world, "cotech")
    token = client.get("/api/v1/me").json["csrf_token"]
    response = client.post("/api/v1/territories", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 405  # authenticated: the route itself takes no POST


def test_raising_the_session_version_ends_the_session(client, world):
    sign_in(client, world, "cotech")
    assert client.get("/api/v1/me").status_code == 200
    with UnitOfWork(world.db) as uow:
        uow.session.get(User, world.actors["cotech"].id).session_version += 1
        uow.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_user_session_is_refused(client, world):
    sign_in(client, world, "owner")
    with UnitOfWork(world.db) as uow:
        uow.session.get(User, world.actors["owner"].id).active = False
        uow.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_a_forged_session_id_is_refused(client, world):
    with client.session_transaction() as session:
        session["_user_id"] = "1:999"
    assert client.get("/api/v1/me").status_code == 401
    with client.session_transaction() as session:
        session["_user_id"] = "x" * 50
    assert client.get("/api/v1/me").status_code == 401


def test_a_role_change_or_deactivation_by_an_admin_ends_the_users_sessions(client, world):
    from engine.services.users import update_user

    sign_in(client, world, "cotech")
    with UnitOfWork(world.db) as uow:
        update_user(uow, world.actors["admin"], world.actors["cotech"].id, roles=["copil"])
    assert client.get("/api/v1/me").status_code == 401

    sign_in(client, world, "copil")
    with UnitOfWork(world.db) as uow:
        update_user(uow, world.actors["admin"], world.actors["copil"].id, active=False)
    assert client.get("/api/v1/me").status_code == 401

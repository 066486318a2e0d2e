"""The API's contract before any resource: authentication, errors, the OpenAPI document."""


def test_the_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.")
    assert "/api/v1/territories" in response.json["paths"]


def test_no_token_or_a_wrong_one_gets_401_in_the_json_shape(client, api):
    for headers in ({}, {"Authorization": "Bearer mlg_nope"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/territories", headers=headers)
        assert response.status_code == 401
        assert response.json["code"] == "unauthorized"
        assert "Bearer" in response.json["message"]


def test_a_revoked_token_or_a_deactivated_user_is_refused(world, client, api):
    from engine.db.uow import UnitOfWork
    from engine.models import ApiToken, User
    from engine.services.tokens import revoke_token

    assert api["cotech"].get("/api/v1/territories").status_code == 200
    with UnitOfWork(world.db) as uow:
        token_id = uow.session.query(ApiToken).filter_by(user_id=world.actors["cotech"].id).one().id
    with UnitOfWork(world.db) as uow:
        revoke_token(uow, world.actors["cotech"], token_id)
    assert api["cotech"].get("/api/v1/territories").status_code == 401

    with UnitOfWork(world.db) as uow:
        uow.session.get(User, world.actors["copil"].id).active = False
        uow.commit()
    assert api["copil"].get("/api/v1/territories").status_code == 401


def test_territories_carry_cog_codes(api):
    response = api["owner"].get("/api/v1/territories")
    codes = {t["code"] for t in response.json}
    assert {"COM-97209", "EPCI-249720061", "DEP-972"} <= codes
    assert len(codes) == 38


def test_an_unknown_path_and_a_wrong_method_answer_json_with_allow(api):
    missing = api["owner"].get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json["code"] == "not_found"
    wrong = api["owner"].delete("/api/v1/territories")
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]
    assert wrong.json["code"] == "method_not_allowed"


def test_token_creation_and_revocation_are_audited(world, api):
    from engine.db.uow import UnitOfWork
    from engine.models import AuditEvent

    with UnitOfWork(world.db) as uow:
        actions = [e.action for e in uow.session.query(AuditEvent).order_by(AuditEvent.position)]
    assert actions.count("token_create") == len(world.actors)

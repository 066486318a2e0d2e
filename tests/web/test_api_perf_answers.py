"""The API's fast paths answer exactly what the slow ones did.

Records and pages are sent without flask-smorest's schema dump (web.api.records.answer): each
answer must be what dumping it would give. The bearer's actor is read in one statement
(actor_for_token): it must be the Actor of user_for_token.
"""

from engine.db.uow import UnitOfWork
from engine.rules.policy import SYSTEM, Actor
from engine.services.tokens import actor_for_token, create_token, user_for_token
from engine.services.users import set_user_active, set_user_roles
from tests.factories import World
from tests.integration.export_data import varied_inventory
from web.api.schemas import PoolingPageSchema, PoolingSchema, SchemePageSchema, SchemeSchema


def _unchanged_by_dump(schema, body: dict) -> None:
    assert schema.dump(body) == body


def test_scheme_answers_are_their_schema_dump(world: World, api) -> None:
    inventory = varied_inventory(world)
    for who in ("cotech", "owner", "admin"):
        page = api[who].get("/api/v1/schemes?per_page=100")
        assert page.status_code == 200 and page.json["total"] >= 4
        _unchanged_by_dump(SchemePageSchema(), page.json)
        for item in page.json["items"]:
            one = api[who].get(f"/api/v1/schemes/{item['id']}")
            assert one.status_code == 200 and one.json == item
            _unchanged_by_dump(SchemeSchema(), one.json)
    recorded = api["cotech"].get(f"/api/v1/schemes/{inventory.recorded.id}").json
    done = api["cotech2"].post(
        f"/api/v1/schemes/{inventory.recorded.id}/transitions",
        json={"transition": "review", "version": recorded["version"]},
    )
    assert done.status_code == 200 and done.json["state"] == "reviewed"
    _unchanged_by_dump(SchemeSchema(), done.json)


def test_pooling_answers_are_their_schema_dump(world: World, api) -> None:
    world.pooling("approved")
    ref = world.pooling("recorded")
    page = api["copil"].get("/api/v1/poolings")
    assert page.status_code == 200 and page.json["total"] == 2
    _unchanged_by_dump(PoolingPageSchema(), page.json)
    one = api["cotech2"].get(f"/api/v1/poolings/{ref.id}")
    assert one.json["members"] and one.json["territories"] and one.json["lead_organisation"]
    _unchanged_by_dump(PoolingSchema(), one.json)
    done = api["cotech2"].post(
        f"/api/v1/poolings/{ref.id}/transitions",
        json={"transition": "review", "version": one.json["version"]},
    )
    assert done.status_code == 200 and done.json["state"] == "reviewed"
    _unchanged_by_dump(PoolingSchema(), done.json)


def test_a_token_gives_the_actor_of_its_user(world: World) -> None:
    user = world.actors["cotech"]
    with UnitOfWork(world.db) as uow:
        set_user_roles(uow, SYSTEM, user.id, ["cotech", "copil", "admin"])
    with UnitOfWork(world.db) as uow:
        secret = create_token(uow, user, user.id, "deux rôles").secret
    with UnitOfWork(world.db) as uow:
        expected = Actor.of(user_for_token(uow.session, secret))
        assert expected.roles == {"cotech", "copil", "admin"}
        assert actor_for_token(uow.connection, secret) == expected
        assert actor_for_token(uow.connection, secret + "x") is None
        assert actor_for_token(uow.connection, "sans-préfixe") is None
    with UnitOfWork(world.db) as uow:
        set_user_active(uow, SYSTEM, user.id, False)
    with UnitOfWork(world.db) as uow:
        assert actor_for_token(uow.connection, secret) is None

"""/api/v1/delegations: list, read, create, end; the same rules as the page; then the delegate
acts through the API for the delegator."""

from datetime import timedelta

from engine.clock import local

PATH = "/api/v1/delegations"


def today(clock):
    return local(clock()).date()


def body(world, clock, **changes) -> dict:
    day = today(clock)
    return {
        "delegate_id": world.actors["copil"].id,
        "roles": ["cotech"],
        "first_day": day.isoformat(),
        "last_day": (day + timedelta(days=2)).isoformat(),
        **changes,
    }


def test_a_user_lends_their_roles_and_both_see_it(world, api, clock):
    response = api["cotech"].post(PATH, json=body(world, clock))
    assert response.status_code == 201, response.json
    created = response.json
    assert created["delegator"]["email"] == "cotech@example.mq"
    assert created["delegate"]["id"] == world.actors["copil"].id
    assert created["roles"] == ["cotech"]
    assert created["status"] == "active"
    assert created["first_day"] == today(clock).isoformat()
    assert created["last_day"] == (today(clock) + timedelta(days=2)).isoformat()
    for who in ("cotech", "copil", "admin"):
        assert [d["id"] for d in api[who].get(PATH).json] == [created["id"]], who
        assert api[who].get(f"{PATH}/{created['id']}").status_code == 200
    assert api["cotech2"].get(PATH).json == []
    assert api["cotech2"].get(f"{PATH}/{created['id']}").status_code == 404


def test_instants_are_accepted_too(world, api, clock):
    start = clock() + timedelta(hours=1)
    instants = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}
    days = body(world, clock)
    # Each end is given one way: a day or an instant.
    assert api["cotech"].post(PATH, json=days | instants).status_code == 422
    clean = {k: v for k, v in days.items() if k not in ("first_day", "last_day")} | instants
    response = api["cotech"].post(PATH, json=clean)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "upcoming"


def test_refusals_are_structured(world, api, clock):
    refused = api["cotech"].post(PATH, json=body(world, clock, roles=["owner"]))
    assert refused.status_code == 422
    assert refused.json["errors"]["roles"][0].startswith("Cochez au moins un rôle")
    refused = api["cotech"].post(
        PATH, json=body(world, clock, delegate_id=world.actors["cotech"].id)
    )
    assert refused.json["errors"] == {"delegate_id": ["On ne se délègue pas ses propres rôles."]}
    assert api["cotech"].post(PATH, json={"roles": ["cotech"]}).status_code == 422
    assert api["cotech"].post(PATH, json=body(world, clock, extra=1)).status_code == 422
    other = body(world, clock, delegator_id=world.actors["cotech2"].id)
    assert api["cotech"].post(PATH, json=other).status_code == 403
    assert api["admin"].post(PATH, json=other).status_code == 201


def test_ending_one(world, api, clock):
    created = api["cotech"].post(PATH, json=body(world, clock)).json
    path = f"{PATH}/{created['id']}"
    assert api["copil"].delete(path).status_code == 403
    assert api["cotech2"].delete(path).status_code == 404
    assert api["cotech"].delete(path).status_code == 204
    assert api["cotech"].get(path).json["status"] == "revoked"
    assert api["cotech"].delete(path).status_code == 422


def test_the_delegate_acts_through_the_api_until_the_end(world, api, clock):
    ref = world.scheme("recorded")
    scheme = f"/api/v1/schemes/{ref.id}"

    def fire(name: str):
        version = api["copil"].get(scheme).json["version"]
        body = {"transition": name, "version": version}
        return api["copil"].post(f"{scheme}/transitions", json=body)

    assert fire("review").status_code == 403
    api["cotech"].post(PATH, json=body(world, clock, last_day=today(clock).isoformat()))
    response = fire("review")
    assert response.status_code == 200, response.json
    events = api["copil"].get(f"{scheme}/events").json
    last = events[-1] if isinstance(events, list) else events["items"][-1]
    assert last["actor_label"] == "copil@example.mq pour le compte de cotech@example.mq"
    # The next Martinique day, the delegation has ended by itself.
    clock.advance(days=1)
    assert fire("propose").status_code == 403

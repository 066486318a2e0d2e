"""The objectives' API: the COPIL sets objectives, indicators and milestones; an indicator's
owners report its values; everyone signed in reads; bad input is a structured 422."""

from datetime import timedelta

from engine.clock import local
from engine.db.uow import UnitOfWork

OBJECTIVES = "/api/v1/objectives"


def _today(world):
    with UnitOfWork(world.db) as uow:
        return local(uow.clock()).date()


def _new(api, world, who="copil"):
    return api[who].post(
        OBJECTIVES,
        json={
            "title": "Couvrir chaque commune",
            "organisation_id": world.organisation_id,
            "themes": ["mediation_tranquillite"],
            "target_date": "2028-12-31",
        },
    )


def test_who_sets_objectives(api, world):
    assert _new(api, world, "owner").status_code == 403
    assert _new(api, world, "cotech").status_code == 403
    created = _new(api, world)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["reference"].startswith("OBJ-") and body["state"] == "draft"
    assert body["themes"] == ["mediation_tranquillite"]
    for who in ("owner", "other_owner", "cotech"):
        assert api[who].get(f"{OBJECTIVES}/{body['id']}").status_code == 200
    assert len(api["owner"].get(OBJECTIVES).json) == 1


def test_bad_input_is_a_422_in_french(api, world):
    bad = api["copil"].post(OBJECTIVES, json={"title": "", "organisation_id": 999999})
    assert bad.status_code == 422
    objective = _new(api, world).json
    bad = api["copil"].post(
        f"{OBJECTIVES}/{objective['id']}/indicators", json={"title": "X", "kind": "computed"}
    )
    assert bad.status_code == 422
    assert "Choisissez la mesure calculée." in str(bad.json)


def test_indicators_values_milestones_and_adoption(api, world):
    objective = _new(api, world).json
    oid = objective["id"]
    computed = api["copil"].post(
        f"{OBJECTIVES}/{oid}/indicators",
        json={
            "title": "Couverture",
            "kind": "computed",
            "measure": "coverage_share",
            "target": "100",
        },
    )
    assert computed.status_code == 201, computed.json
    assert computed.json["current"] == "0.00" and computed.json["unit"] == "%"
    reported = (
        api["copil"]
        .post(
            f"{OBJECTIVES}/{oid}/indicators",
            json={
                "title": "Jeunes suivis",
                "kind": "reported",
                "organisation_id": world.organisation_id,
                "target": "50",
            },
        )
        .json
    )
    day = (_today(world) - timedelta(days=2)).isoformat()
    path = f"/api/v1/indicators/{reported['id']}/values"
    value = {"value": "12.5", "measured_on": day, "source": "Bilan"}
    assert api["other_owner"].post(path, json=value).status_code == 403
    assert api["cotech"].post(path, json=value).status_code == 403
    answered = api["owner"].post(path, json=value)
    assert answered.status_code == 201, answered.json
    assert answered.json["current"] == "12.50"
    assert answered.json["history"] == [{"day": day, "value": "12.50", "source": "Bilan"}]
    assert api["owner"].post(path, json={**value, "value": "abc"}).status_code == 422
    late = api["copil"].post(
        f"{OBJECTIVES}/{oid}/milestones",
        json={"title": "Diagnostic", "due_on": day, "organisation_id": world.organisation_id},
    )
    assert late.status_code == 201 and late.json["late"] is True
    assert (
        api["other_owner"]
        .post(f"{OBJECTIVES}/milestones/{late.json['id']}/done", json={})
        .status_code
        == 403
    )
    done = api["owner"].post(f"{OBJECTIVES}/milestones/{late.json['id']}/done", json={})
    assert done.status_code == 200 and done.json["late"] is False
    version = api["copil"].get(f"{OBJECTIVES}/{oid}").json["version"]
    adopt = {"transition": "adopt", "version": version}
    assert api["owner"].post(f"{OBJECTIVES}/{oid}/transitions", json=adopt).status_code == 403
    adopted = api["copil"].post(f"{OBJECTIVES}/{oid}/transitions", json=adopt)
    assert adopted.status_code == 200 and adopted.json["state"] == "adopted"
    assert len(api["cotech"].get("/api/v1/indicators").json) == 2
    actions = [e["action"] for e in api["cotech"].get(f"{OBJECTIVES}/{oid}/events").json]
    assert actions == [
        "create",
        "indicator_add",
        "indicator_add",
        "indicator_value",
        "milestone_add",
        "milestone_done",
        "adopt",
    ]
    stale = api["copil"].patch(f"{OBJECTIVES}/{oid}", json={"version": version, "title": "X"})
    assert stale.status_code == 409

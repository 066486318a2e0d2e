"""/api/v1/opinions and /api/v1/{schemes|poolings}/{id}/notes: the pages' rules, structured 4xx."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, CommitteeNote, Opinion
from engine.services.tokens import create_token
from tests.factories import add_experts
from tests.web.conftest import Caller

OPINIONS = "/api/v1/opinions"


@pytest.fixture
def callers(world, client):
    add_experts(world)
    found = {}
    for key, who in world.actors.items():
        with UnitOfWork(world.db) as uow:
            found[key] = Caller(client, create_token(uow, who, who.id, f"tests {key}").secret)
    return found


def _today(world):
    with UnitOfWork(world.db) as uow:
        return local(uow.clock()).date()


def _count(world, model) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _body(world, record, **changes) -> dict:
    return {
        "record_type": record.kind,
        "record_id": record.id,
        "expert_organisation_id": world.police_id,
        "question": "Des faits signalés dans ce quartier ?",
        "due_on": (_today(world) + timedelta(days=10)).isoformat(),
        **changes,
    }


def test_request_answer_and_list_through_the_api(world, callers, test_clock):
    scheme = world.scheme("recorded")
    created = callers["cotech"].post(OPINIONS, json=_body(world, scheme))
    assert created.status_code == 201, created.json
    opinion = created.json
    assert (opinion["state"], opinion["expert_organisation"], opinion["overdue"]) == (
        "requested",
        "Police nationale",
        False,
    )
    test_clock.advance(days=11)
    late = callers["police"].get(f"{OPINIONS}?overdue=true").json
    assert [o["id"] for o in late] == [opinion["id"]] and late[0]["overdue"] is True
    answered = callers["police2"].post(
        f"{OPINIONS}/{opinion['id']}/answer",
        json={"verdict": "unfavourable", "answer": "Défavorable.", "version": 1},
    )
    assert answered.status_code == 200 and answered.json["verdict"] == "unfavourable"
    listed = callers["copil"].get(f"{OPINIONS}?record_type=scheme&record_id={scheme.id}").json
    assert [(o["id"], o["state"]) for o in listed] == [(opinion["id"], "answered")]
    again = callers["police"].post(
        f"{OPINIONS}/{opinion['id']}/answer", json={"verdict": "favourable", "answer": "x"}
    )
    assert again.status_code == 403 and again.json["reasons"][0]["code"] == "invalid_transition"
    stale = callers["cotech"].post(f"{OPINIONS}/{opinion['id']}/withdraw", json={"version": 1})
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": ""}, "question"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"due_on": "demain"}, "due_on"),
        ({"expert_organisation_id": 99999}, "expert_organisation_id"),
        ({"record_type": "meeting"}, "record_type"),
    ],
)
def test_a_bad_request_is_a_422_naming_the_field_and_writes_nothing(world, callers, changes, field):
    scheme = world.scheme("recorded")
    before = _count(world, AuditEvent)
    response = callers["cotech"].post(OPINIONS, json=_body(world, scheme, **changes))
    assert response.status_code == 422, response.json
    assert field in str(response.json)
    assert _count(world, Opinion) == 0 and _count(world, AuditEvent) == before


def test_who_may_do_what(world, callers):
    scheme = world.scheme("recorded")
    for who, status in [("owner", 403), ("copil", 403), ("police", 403), ("admin", 403)]:
        assert callers[who].post(OPINIONS, json=_body(world, scheme)).status_code == status, who
    opinion = callers["coordinator"].post(OPINIONS, json=_body(world, scheme)).json
    path = f"{OPINIONS}/{opinion['id']}"
    assert callers["owner"].get(path).status_code == 404
    assert callers["other_owner"].get(path).status_code == 404
    assert callers["owner"].get(OPINIONS).json == []
    assert callers["police"].get(path).status_code == 200
    refused = callers["cotech"].post(
        f"{path}/answer", json={"verdict": "favourable", "answer": "x"}
    )
    assert refused.status_code == 403 and refused.json["reasons"][0]["code"] == "not_expert"
    assert callers["police"].post(f"{path}/withdraw", json={}).status_code == 403
    assert (
        callers["cotech2"].post(f"{path}/withdraw", json={"comment": "Inutile"}).json["state"]
        == "withdrawn"
    )


@pytest.mark.parametrize("kind", ["schemes", "poolings"])
def test_committee_notes_are_for_the_committees_only(world, callers, kind):
    record = world.scheme("recorded") if kind == "schemes" else world.pooling("recorded")
    path = f"/api/v1/{kind}/{record.id}/notes"
    secret = "Note privée : dossier fragile."
    created = callers["copil"].post(path, json={"body": secret})
    assert created.status_code == 201 and created.json["body"] == secret
    assert [n["body"] for n in callers["admin"].get(path).json] == [secret]
    for who in ("owner", "owner2", "police"):
        response = callers[who].get(path)
        assert response.status_code == 403 and secret not in response.get_data(as_text=True)
        assert response.json["reasons"][0]["code"] == "committee_only"
        assert callers[who].post(path, json={"body": "x"}).status_code == 403
    assert callers["cotech"].post(path, json={"body": ""}).status_code == 422
    assert _count(world, CommitteeNote) == 1

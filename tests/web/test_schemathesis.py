"""Schemathesis against the app's own OpenAPI document, once per role, with a fixed seed.

Every operation gets valid and invalid requests (positive and negative generation) from each
role's token: no answer may be a 5xx, and each must match the status and schema the document
declares. A failure prints the case and replays with the same SEED; once fixed, it is kept as a
regression test in test_api_hardening.py.
"""

import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.openapi import from_wsgi
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from engine.db.uow import UnitOfWork
from engine.services.meetings import add_item, plan_meeting
from engine.services.tokens import create_token

pytestmark = pytest.mark.slow

SEED = 20240611
ROLES = ("owner", "cotech", "copil", "admin")
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
MIN_REQUESTS = 1_000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Requests that can revoke a token or deactivate a user run last, so earlier ones keep theirs.
LAST = ("DELETE", "PATCH")


def test_generated_requests_get_no_5xx_and_only_declared_answers(world, app):
    world.scheme()  # real records (ids 1, 2), so small generated ids reach past the 404
    world.scheme(complete=False)
    _meeting(world, world.scheme("proposed"))
    schema = from_wsgi("/api/v1/openapi.json", app)
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.method.upper() in LAST, op.path, op.method),
    )
    sent = 0
    started = time.monotonic()
    for operation in operations:
        for role in ROLES:
            headers = {"Authorization": f"Bearer {_fresh_token(world, role)}"}
            for mode, examples in EXAMPLES.items():
                sent += _explore(operation, mode, examples, headers)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {sent} requests, {len(operations)} operations, {elapsed:.1f} s")
    assert sent >= MIN_REQUESTS


def _meeting(world, ref) -> None:
    """A planned meeting (id 1) with the record on its agenda (item 1), for the same reason."""
    admin, members = world.actors["admin"], [world.actors[k].id for k in ("copil", "copil2")]
    with UnitOfWork(world.db) as uow:
        meeting_id = plan_meeting(
            uow,
            admin,
            committee="copil",
            title="COPIL de janvier",
            starts_at=datetime(2027, 1, 14, 13, 0, tzinfo=UTC),
            secretary_id=admin.id,
            member_ids=members,
        ).id
    with UnitOfWork(world.db) as uow:
        add_item(uow, admin, meeting_id, ref)


def _explore(operation, mode: GenerationMode, examples: int, headers: dict) -> int:
    """Send `examples` generated cases of one operation; return how many requests went out."""
    calls = []

    @seed(SEED)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def explore(case):
        response = case.call(headers=headers)
        calls.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    explore()
    return len(calls)


def _fresh_token(world, role: str) -> str:
    actor = world.actors[role]
    with UnitOfWork(world.db) as uow:
        return create_token(uow, actor, actor.id, f"schemathesis {role}").secret

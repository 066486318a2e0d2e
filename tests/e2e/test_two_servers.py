"""Two app servers on one PostgreSQL database agree: nothing either keeps in memory matters.

A transition applied through server A is seen through server B at once, state and version; a
change sent to B with the version read before it gets 409 naming the user who made it on A.
"""

import pytest

from tests.e2e.conftest import Client
from tests.factories import World

pytestmark = pytest.mark.postgresql


@pytest.fixture
def two_servers(serve, tokens: dict[str, str], http_clients):
    """A Client per user on each of two gunicorn servers (two workers each)."""
    a, b = serve(), serve()
    assert a.base_url != b.base_url
    return tuple(
        {key: Client(http_clients(server), secret) for key, secret in tokens.items()}
        for server in (a, b)
    )


def test_a_transition_on_one_server_is_seen_and_conflicts_on_the_other(
    two_servers, world: World
) -> None:
    on_a, on_b = two_servers
    scheme_id = world.scheme("recorded").id
    path = f"/api/v1/schemes/{scheme_id}"
    before = on_b["cotech"].get(path).json()
    assert before["state"] == "recorded"

    done = on_a["cotech2"].post(
        path + "/transitions", json={"transition": "review", "version": before["version"]}
    )
    assert done.status_code == 200, done.text

    seen = on_b["cotech"].get(path).json()
    assert (seen["state"], seen["version"]) == ("reviewed", before["version"] + 1)

    stale = {"transition": "request_changes", "version": before["version"], "comment": "Budget ?"}
    conflict = on_b["cotech"].post(path + "/transitions", json=stale)
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["current_version"] == before["version"] + 1
    assert "cotech2@example.mq" in (conflict.json()["changed_by"] or "")

    edit = on_b["cotech"].patch(path, json={"version": before["version"], "capacity": 40})
    assert edit.status_code == 409, edit.text
    assert "cotech2@example.mq" in (edit.json()["changed_by"] or "")

    # Both servers appended to one chain, under the database's lock: it verifies from either.
    for clients in (on_a, on_b):
        assert clients["admin"].get("/api/v1/audit/verify").json()["ok"] is True

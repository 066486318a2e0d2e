"""The served application answers over HTTP, authenticates bearer tokens, and stops cleanly."""

from tests.e2e.conftest import Server


def test_the_served_api_answers_with_and_without_a_token(server: Server, users) -> None:
    import httpx

    assert httpx.get(server.base_url + "/api/v1/territories").status_code == 401
    answer = users["owner"].get("/api/v1/territories")
    assert answer.status_code == 200
    assert any(t["code"] == "COM-97209" for t in answer.json())


def test_a_stopped_server_leaves_no_process(serve) -> None:
    first = serve()
    first.stop()
    assert first.process.poll() is not None

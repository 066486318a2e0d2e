"""The web application on the test database, and an API token for each role of the world."""

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.config import Settings
from engine.services.tokens import create_token
from engine.uow import UnitOfWork
from tests.factories import World
from tests.integration.conftest import world  # noqa: F401 (the same world fixture)


@pytest.fixture
def app(world: World, tmp_path) -> Flask:  # noqa: F811
    """The application, bound to the test's database."""
    from web import create_app

    url = world.db.url.render_as_string(hide_password=False)
    app = create_app(Settings(instance_path=tmp_path, database_url=url, secret_key="test-key"))
    app.config["TESTING"] = True
    yield app
    from web import DATABASE

    app.extensions[DATABASE].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Caller:
    """An API client speaking as one user: `api.get(path)`, `api.post(path, json=…)`…"""

    client: FlaskClient
    token: str

    def __getattr__(self, method: str):
        def call(path: str, **kwargs):
            headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
            return getattr(self.client, method)(path, headers=headers, **kwargs)

        return call


@pytest.fixture
def api(world: World, client: FlaskClient) -> dict[str, Caller]:  # noqa: F811
    """A Caller per actor of the world: api["owner"].get("/api/v1/schemes")."""
    callers = {}
    for key, actor in world.actors.items():
        with UnitOfWork(world.db) as uow:
            issued = create_token(uow, actor, actor.id, f"tests {key}")
        callers[key] = Caller(client, issued.secret)
    return callers

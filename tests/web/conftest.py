"""The web application on the test database, and an API token for each role of the world."""

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.db.config import Settings
from engine.db.uow import UnitOfWork
from engine.services.tokens import create_token
from tests.factories import PASSWORD, Clock, World
from tests.integration.conftest import world  # noqa: F401 (the same world fixture)


@pytest.fixture
def app(world: World, tmp_path) -> Flask:  # noqa: F811
    """The application, bound to the test's database."""
    from web import create_app

    url = world.db.url.render_as_string(hide_password=False)
    app = create_app(Settings(instance_path=tmp_path, database_url=url, secret_key="test-key"))
    app.config["TESTING"] = True
    app.config["MAILLAGE_PASSWORD_RESET"] = True  # as with MAILLAGE_SMTP_URL set
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


@dataclass
class Browser:
    """A test client signed in through the sign-in page, posting forms with their CSRF token.

    `browser.get(path)`, `browser.post(path, data={...})` (the token is added), `browser.csrf`.
    """

    client: FlaskClient
    csrf: str = ""

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        self._remember_token(response)
        return response

    def post(self, path: str, data: dict | None = None, **kwargs):
        form = {"csrf_token": self.csrf, **(data or {})}
        response = self.client.post(path, data=form, **kwargs)
        self._remember_token(response)
        return response

    def sign_in(self, email: str, password: str = PASSWORD, address: str | None = None):
        where = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
        self.get("/connexion", **where)
        response = self.post("/connexion", {"email": email, "password": password}, **where)
        if response.status_code == 302:
            # Signing in starts a new session (no fixation): read the new session's CSRF token.
            self.get("/compte")
        return response

    def _remember_token(self, response) -> None:
        match = None if response.is_json else CSRF_META.search(response.get_data(as_text=True))
        if match:
            self.csrf = match.group(1)


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def browser(app: Flask) -> Browser:
    """An anonymous browser (sign in with `browser.sign_in(email)`)."""
    return Browser(app.test_client())


@pytest.fixture
def ui(app: Flask, world: World):  # noqa: F811
    """A browser signed in as one actor of the world, made on demand: ui("cotech")."""

    def signed_in(key: str) -> Browser:
        browser = Browser(app.test_client())
        response = browser.sign_in(f"{key}@example.mq")
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return signed_in


@pytest.fixture
def clock(app: Flask, test_clock: Clock) -> Clock:
    """The application's clock, moved by hand (session lifetimes, sign-in throttling): the test
    clock, which the engine's units of work follow too."""
    app.config["MAILLAGE_CLOCK"] = test_clock
    return test_clock

"""A real browser on the application: Debian's Chromium driven by Playwright (sync API).

The application of the test (`app`, on the test's own database) is served on a free port of
127.0.0.1 by werkzeug in a thread of this process, so the world's cheap password hashes and its
clock are the server's too. One Chromium for the whole run; one browser context per signed-in
user, so each keeps its own cookies. Timeouts are short: a broken page fails in seconds.

A missing Chromium fails the tests (CI must not pass without them): install it with
`apt-get install -y --no-install-recommends chromium`, or point MAILLAGE_CHROMIUM at another one.
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.factories import PASSWORD
from tests.web.conftest import app, world  # noqa: F401 (the same application fixtures)

CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium")
# Playwright waits this long for an element or an expectation; a page load a bit longer.
ACTION_MS = 5_000
NAVIGATION_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# A page whose stylesheet, script, image or font is missing is broken too.
ASSET_TYPES = {"stylesheet", "script", "image", "font"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against a served application")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


# Package scope: the driver, its browser and its threads stop once the browser tests are done.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the browser tests (Playwright cannot download its own)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install -y --no-install-recommends chromium) or set MAILLAGE_CHROMIUM",
            pytrace=False,
        )
    expect.set_options(timeout=ACTION_MS)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:  # noqa: F811
    """The test's application served on a free port; its base URL."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass
class Watch:
    """Server errors, missing assets, CSP refusals and JavaScript errors met by a test's pages."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))

    def _on_response(self, response) -> None:
        request = response.request
        if response.status >= 500 or (
            response.status >= 400 and request.resource_type in ASSET_TYPES
        ):
            self.problems.append(f"{response.status} from {request.method} {response.url}")

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")


@dataclass
class Visitors:
    """Opens a browser context per user; every one is closed, and its problems reported, after."""

    browser: Browser
    base_url: str
    contexts: list[BrowserContext] = field(default_factory=list)
    watch: Watch = field(default_factory=Watch)

    def anonymous(
        self, viewport: dict | None = None, *, javascript: bool = True, locale: str = "fr-FR"
    ) -> Page:
        """A page of a new context (its own cookies), as a browser set to `locale` sends."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=locale,
            viewport=viewport or DESKTOP,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(ACTION_MS)
        context.set_default_navigation_timeout(NAVIGATION_MS)
        self.contexts.append(context)
        page = context.new_page()
        self.watch.attach(page)
        return page

    def signed_in(self, key: str, viewport: dict | None = None, *, javascript: bool = True) -> Page:
        """A page of a new context, signed in through the sign-in form as `<key>@example.mq`."""
        page = self.anonymous(viewport, javascript=javascript)
        sign_in(page, f"{key}@example.mq")
        expect(page).not_to_have_url(_sign_in_url(self.base_url))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _sign_in_url(base_url: str) -> re.Pattern:
    return re.compile(re.escape(base_url) + r"/connexion(\?.*)?$")


@pytest.fixture
def visitors(chromium: Browser, live_server: str) -> Iterator[Visitors]:
    """Browser contexts on the live server: `visitors.signed_in("cotech")` gives a Page."""
    opened = Visitors(chromium, live_server)
    yield opened
    opened.close()
    assert not opened.watch.problems, "\n".join(opened.watch.problems)


@pytest.fixture
def as_user(visitors: Visitors) -> Callable[..., Page]:
    """`as_user("owner")`: a page signed in as that user of the world (desktop width)."""
    return visitors.signed_in

"""The application served by gunicorn on 127.0.0.1, spoken to over real HTTP.

The world is seeded, and a token issued for each of its users, before any server starts; each
server is a process group of its own, stopped (terminate, then kill) when its test ends.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from engine.db.uow import UnitOfWork
from engine.services.tokens import create_token
from tests.factories import World
from tests.integration.conftest import world  # noqa: F401 (the same world fixture)

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
SHUTDOWN_SECONDS = 10
SECRET_KEY = "e2e-secret-key-shared-by-every-server"


@dataclass
class Server:
    """One gunicorn master (and its workers) serving the app at `base_url`."""

    base_url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown stops its workers too
            try:
                self.process.wait(SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                _kill_group(self.process)
                self.process.wait(SHUTDOWN_SECONDS)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Client:
    """An httpx client speaking as one user: `client.get(path)`, `client.post(path, json=…)`."""

    http: httpx.Client
    token: str

    def __getattr__(self, method: str):
        def call(path: str, **kwargs) -> httpx.Response:
            headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
            return self.http.request(method.upper(), path, headers=headers, **kwargs)

        return call


def free_port() -> int:
    """A port the kernel just gave out; gunicorn binds it a moment later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    database_url: str, instance: Path, workers: int = 2, env: dict[str, str] | None = None
) -> Server:
    """Serve `web:create_app()` on a free port of 127.0.0.1; return once it answers."""
    instance.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "MAILLAGE_DATABASE_URL": database_url,
        "MAILLAGE_SECRET_KEY": SECRET_KEY,
        "MAILLAGE_INSTANCE_PATH": str(instance),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn",
        "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
        "--graceful-timeout", "5",
        "web:create_app()",
    ]  # fmt: skip
    log = instance / f"gunicorn-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill reaches the workers
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({server.process.returncode}):\n{server.log_tail()}"
            )
        try:
            if httpx.get(server.base_url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{server.log_tail()}")


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def tokens(world: World) -> dict[str, str]:  # noqa: F811
    """A bearer secret for every user of the world, issued before any server starts."""
    secrets = {}
    for key, actor in world.actors.items():
        with UnitOfWork(world.db) as uow:
            secrets[key] = create_token(uow, actor, actor.id, f"e2e {key}").secret
    return secrets


@pytest.fixture
def serve(world: World, tokens: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Server]]:  # noqa: F811
    """Start a gunicorn server on the test's database; every one started is stopped after."""
    url = world.db.url.render_as_string(hide_password=False)
    started: list[Server] = []

    def start(**options) -> Server:
        server = start_gunicorn(url, tmp_path / f"instance-{len(started) + 1}", **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., Server]) -> Server:
    """One server (two workers) on the test's database."""
    return serve()


@pytest.fixture
def http_clients() -> Iterator[Callable[[Server], httpx.Client]]:
    """httpx clients bound to a server, closed after the test."""
    opened: list[httpx.Client] = []

    def open_client(server: Server) -> httpx.Client:
        client = httpx.Client(base_url=server.base_url, timeout=30)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def users(server: Server, tokens: dict[str, str], http_clients) -> dict[str, Client]:
    """A Client per user of the world, on the one server: users["owner"].get("/api/v1/…")."""
    http = http_clients(server)
    return {key: Client(http, secret) for key, secret in tokens.items()}

"""The request's context: its database, workflows, clock, units of work and caller.

As flaskr's `get_db`/`close_db`: the request's read unit of work is opened on first use, kept on
`flask.g` and closed when the request ends; it never writes, so closing it rolls back. Each write
opens a unit of work of its own with `writing()`; the engine's service commits it, and whatever
was not committed is rolled back when the `with` block ends. Every unit of work the web builds
comes from here, on the application's database, workflows and clock.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from engine.clock import system_clock
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.rules.policy import Actor
from engine.rules.workflow import WorkflowRegistry, default_registry
from engine.services.delegations import acting

DATABASE = "maillage.db"  # app.extensions keys
WORKFLOWS = "maillage.workflows"
CLOCK = "MAILLAGE_CLOCK"  # app.config key: tests put a fake clock here to travel in time
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def register_context(app: Flask, settings: Settings) -> None:
    """Give the app its workflows, database and clock; close each request's unit of work."""
    # Loading validates every workflow file: an invalid one raises WorkflowError here, so the
    # application refuses to start rather than fail on the first transition.
    app.extensions[WORKFLOWS] = default_registry()
    # One engine (and its pool) for the process; requests open and close their own connections.
    app.extensions[DATABASE] = Database(settings.database_url)
    # `system_clock` looks `engine.clock.utcnow` up at each call: a test clock put there is seen.
    app.config.setdefault(CLOCK, system_clock)
    app.teardown_request(_end_request)


def database() -> Database:
    return current_app.extensions[DATABASE]


def workflows() -> WorkflowRegistry:
    return current_app.extensions[WORKFLOWS]


def clock() -> Callable[[], datetime]:
    """The application's clock: every unit of work of the web and the session lifetimes read it."""
    return current_app.config[CLOCK]


def reading() -> UnitOfWork:
    """The request's read unit of work, opened on first use, closed when the request ends."""
    if "uow" not in g:
        # PostgreSQL reads committed data statement by statement either way (READ COMMITTED):
        # the API's reads skip BEGIN and ROLLBACK, two round trips.
        g.uow = _unit_of_work(autocommit_reads=_api_read())
    return g.uow


@contextmanager
def writing() -> Iterator[UnitOfWork]:
    """A unit of work of the view's own: the service commits it, the rest is rolled back."""
    with _unit_of_work() as work:
        yield work


def actor() -> Actor:
    """The caller: the API's authenticated one, else the signed-in user (pages behind sign-in),
    with the capacities their delegations lend them now; read once per request."""
    caller = g.get("actor")
    if caller is None:
        caller = g.actor = with_delegations(Actor.of(current_user.user))
    return caller


def with_delegations(caller: Actor) -> Actor:
    """The caller with what the delegations to them lend at this instant (one statement)."""
    return acting(reading().connection, caller, clock()())


def signed_in_actor() -> Actor | None:
    """The signed-in user as the engine's rules see them, or None for an anonymous visitor."""
    user = getattr(current_user, "user", None)
    return Actor.of(user) if user is not None else None


def remember_actor(caller: Actor) -> None:
    """Make `caller` the request's actor (the API, once it has authenticated them)."""
    g.actor = caller


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _api_read() -> bool:
    return has_request_context() and is_api_request() and request.method in READS


def _unit_of_work(**options) -> UnitOfWork:
    return UnitOfWork(database(), workflows=workflows(), clock=clock(), **options)


def _end_request(_exc: BaseException | None) -> None:
    g.pop("actor", None)
    uow = g.pop("uow", None)
    if uow is not None:
        uow.close()

"""The audit log page (/journal): filters in the URL, newest first, the chain checked on demand."""

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import NotPermitted
from engine.french.inputs import FrenchInputError, parse_date
from engine.services.events import EventFilter, ensure_may_read_log, verify_log
from engine.services.log_pages import day_range, find_record, log_actors, log_head, page_events
from web.context import actor, reading
from web.ui.audit_events import RECORD_TYPES, action_choices, log_lines
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("log", __name__))

PER_PAGE = 50
FILTERS = ("record_type", "record_id", "actor_id", "action", "since", "until")


@dataclass
class Filters:
    """The filters as typed (kept in the form and the links) and what was wrong with them."""

    typed: dict[str, str]
    wanted: EventFilter | None = None
    errors: dict[str, str] = field(default_factory=dict)
    unknown_record: bool = False


@blueprint.get("/journal")
def index():
    who = actor()
    _require_reader(who)
    filters = read_filters()
    page, lines = None, []
    if filters.wanted is not None and not filters.errors:
        page = page_events(
            reading(),
            who,
            filters.wanted,
            before=_position("before"),
            after=_position("after"),
            limit=PER_PAGE,
        )
        lines = log_lines(reading().session, page.events)
    status = 422 if filters.errors else 200
    return render_template(
        "ui/log/index.html",
        filters=filters,
        page=page,
        lines=lines,
        record_types=RECORD_TYPES,
        actions=action_choices(),
        actors=log_actors(reading(), who),
        head=log_head(reading(), who),
        verification=_verification(who),
        may_verify="admin" in who.roles,
        page_url=_page_url,
    ), status


def _require_reader(who) -> None:
    # Refused before anything is read: the 403 page gives the engine's French reason.
    ensure_may_read_log(who)


def read_filters() -> Filters:
    """Read the filters from the query string; bad ones are reported next to their field."""
    typed = {key: request.args.get(key, "").strip() for key in FILTERS}
    filters = Filters(typed)
    record_type = typed["record_type"] if typed["record_type"] in RECORD_TYPES else None
    record_id = None
    if typed["record_id"]:
        found = find_record(reading(), record_type, typed["record_id"])
        if found is None:
            filters.unknown_record = True
            return filters
        record_type, record_id = found
    since, until = _day(filters, "since"), _day(filters, "until")
    if since and until and until < since:
        filters.errors["until"] = _("La date de fin précède la date de début.")
    start, end = day_range(since, until)
    filters.wanted = EventFilter(
        record_type=record_type,
        record_id=record_id,
        actor_id=int(typed["actor_id"]) if typed["actor_id"].isdigit() else None,
        action=typed["action"] or None,
        since=start,
        until=end,
    )
    return filters


def _day(filters: Filters, key: str):
    try:
        return parse_date(filters.typed[key])
    except FrenchInputError as exc:
        filters.errors[key] = _(str(exc))
        return None


def _position(key: str) -> int | None:
    value = request.args.get(key, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _page_url(**extra) -> str:
    """The log's URL with the current filters and `extra` (before/after, verifier)."""
    kept = {key: value for key in FILTERS if (value := request.args.get(key, "").strip())}
    return url_for("log.index", **kept, **extra)


def _verification(who):
    """Walk the chain only when asked: on a million events it takes seconds."""
    if request.args.get("verifier") != "1":
        return None
    try:
        return verify_log(reading(), who)
    except NotPermitted as refusal:
        return refusal

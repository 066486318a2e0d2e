"""How the forms of a meeting's page act: the engine's service in a unit of work, then
303 to the page (and its anchor), or the page again with the form's input and its errors."""

from collections.abc import Callable

from flask import flash, redirect, request, url_for

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted
from engine.models import MeetingItem
from web.context import reading, writing
from web.ui.meetings.page import Posted, show_page


def act(
    meeting_id: int,
    form: str,
    service: Callable[[UnitOfWork], object],
    done: str,
    anchor: str,
    values: dict | None = None,
):
    """Run `service`; on success flash `done` and go back to the page at `anchor`."""
    typed = values if values is not None else request.form.to_dict()
    try:
        with writing() as work:
            service(work)
    except InvalidInput as exc:
        return show_page(meeting_id, Posted(form, typed, exc.errors)), 422
    except NotPermitted as exc:
        reasons = {"_form": [r.message for r in exc.reasons]}
        return show_page(meeting_id, Posted(form, typed, reasons)), 403
    except Conflict as exc:
        return show_page(meeting_id, Posted(form, typed, {"_form": [exc.message]})), 409
    flash(done, "success")
    return redirect(url_for("meeting.show", meeting_id=meeting_id, _anchor=anchor), 303)


def item_of(meeting_id: int, item_id: int) -> MeetingItem:
    """The agenda item `item_id` of that meeting (404 for another meeting's)."""
    item = reading().session.get(MeetingItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise NotFound()
    return item


def posted_int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None

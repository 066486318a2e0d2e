"""In session: each member's attendance (with the proxy holder) and each item's decision."""

from flask import request
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.french.inputs import FrenchInputError, parse_integer
from engine.services.meetings import record_decision, set_attendance
from web.context import actor
from web.ui.common import roles_required
from web.ui.meetings.acting import act, item_of, posted_int
from web.ui.meetings.blueprint import blueprint

ID = "<int(max=2147483647):meeting_id>"
VOTES = ("votes_for", "votes_against", "votes_abstention")


@blueprint.post(f"/seances/{ID}/presences/<int(max=2147483647):user_id>")
@roles_required("secretary", "admin")
def attendance(meeting_id: int, user_id: int):
    attends = request.form.get("attendance", "")
    holder = posted_int("proxy_holder_id") if attends == "represented" else None

    def service(work):
        set_attendance(work, actor(), meeting_id, user_id, attends, holder)

    return act(meeting_id, f"presence-{user_id}", service, _("Présence enregistrée."), "membres")


@blueprint.post(f"/seances/{ID}/points/<int(max=2147483647):item_id>/decision")
@roles_required("secretary", "admin")
def decision(meeting_id: int, item_id: int):
    item_of(meeting_id, item_id)
    form = request.form

    def service(work):
        record_decision(
            work,
            actor(),
            item_id,
            form.get("outcome", ""),
            conditions=form.get("conditions"),
            comment=form.get("comment"),
            votes=read_votes(form),
        )

    return act(
        meeting_id, f"decision-{item_id}", service, _("Décision enregistrée."), f"point-{item_id}"
    )


def read_votes(form) -> tuple[int, int, int] | None:
    """The three counts, or None when none is typed; InvalidInput when some are missing."""
    typed = [form.get(name, "").strip() for name in VOTES]
    if not any(typed):
        return None
    try:
        counts = [parse_integer(text) for text in typed]
    except FrenchInputError as exc:
        raise InvalidInput({"votes": [_(str(exc))]}) from exc
    if any(count is None for count in counts):
        raise InvalidInput(
            {"votes": [_("Pour, contre, abstention : indiquez les trois nombres, ou aucun.")]}
        )
    return counts[0], counts[1], counts[2]

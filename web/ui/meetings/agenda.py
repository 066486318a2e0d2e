"""The agenda's forms: a proposed record or an information put on it, an item removed or
moved (until the convocation), a conflict of interest declared."""

from flask import abort, request
from flask_babel import gettext as _

from engine.records.registry import DECIDED
from engine.services.common import RecordRef
from engine.services.meetings import add_item, declare_conflict, move_item, remove_item
from web.context import actor
from web.ui.common import roles_required
from web.ui.meetings.acting import act, item_of, posted_int
from web.ui.meetings.blueprint import blueprint

ID = "<int(max=2147483647):meeting_id>"
ITEM = "<int(max=2147483647):item_id>"
MOVES = {"monter": -1, "descendre": 1}


@blueprint.post(f"/seances/{ID}/points")
@roles_required("secretary", "admin")
def add(meeting_id: int):
    kind, record_id = request.form.get("record_type", ""), posted_int("record_id")
    summary = request.form.get("summary", "").strip()[:5000] or None
    if kind:
        if kind not in {r.name for r in DECIDED} or record_id is None:
            abort(400)
        form, record, title = f"inscrire-{kind}-{record_id}", RecordRef(kind, record_id), None
    else:
        form, record, title = "information", None, request.form.get("title", "")

    def service(work):
        add_item(work, actor(), meeting_id, record, title=title, summary=summary)

    return act(meeting_id, form, service, _("Point ajouté à l'ordre du jour."), "ordre-du-jour")


@blueprint.post(f"/seances/{ID}/points/{ITEM}/retirer")
@roles_required("secretary", "admin")
def remove(meeting_id: int, item_id: int):
    item_of(meeting_id, item_id)
    return act(
        meeting_id,
        f"point-{item_id}",
        lambda work: remove_item(work, actor(), item_id),
        _("Point retiré de l'ordre du jour."),
        "ordre-du-jour",
    )


@blueprint.post(f"/seances/{ID}/points/{ITEM}/deplacer")
@roles_required("secretary", "admin")
def move(meeting_id: int, item_id: int):
    item_of(meeting_id, item_id)
    offset = MOVES.get(request.form.get("sens", ""))
    if offset is None:
        abort(400)
    return act(
        meeting_id,
        f"point-{item_id}",
        lambda work: move_item(work, actor(), item_id, offset),
        _("Ordre du jour modifié."),
        "ordre-du-jour",
    )


@blueprint.post(f"/seances/{ID}/points/{ITEM}/conflit")
@roles_required("secretary", "admin")
def conflict(meeting_id: int, item_id: int):
    item_of(meeting_id, item_id)
    user_id = posted_int("user_id")
    reason = request.form.get("reason", "")

    def service(work):
        declare_conflict(work, actor(), item_id, user_id, reason)

    return act(
        meeting_id,
        f"conflit-{item_id}",
        service,
        _("Conflit d'intérêts enregistré : le membre est déporté de ce point."),
        f"point-{item_id}",
    )

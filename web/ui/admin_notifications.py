"""Administration of the outbox: messages per status, the dead letters, sending one again."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import InvalidInput
from engine.services import dead_letters
from web.context import actor, reading, writing
from web.ui.records import record_url

STATUS_LABELS = {
    "pending": _l("En attente d'envoi"),
    "held": _l("En attente du récapitulatif"),
    "sending": _l("En cours d'envoi"),
    "sent": _l("Envoyés"),
    "digested": _l("Envoyés dans un récapitulatif"),
    "dead": _l("En échec"),
}
LINKED = ("scheme", "pooling", "meeting")


def register(blueprint: Blueprint) -> None:
    """Add the outbox's pages to the administration blueprint."""
    blueprint.add_url_rule("/notifications", "notifications", outbox)
    blueprint.add_url_rule(
        "/notifications/<int(max=2147483647):message_id>/renvoyer",
        "resend_notification",
        resend,
        methods=["POST"],
    )


def outbox():
    work, who = reading(), actor()
    return render_template(
        "ui/admin/notifications.html",
        counts=dead_letters.outbox_counts(work, who),
        letters=dead_letters.dead_letters(work, who),
        labels=STATUS_LABELS,
        link=_link,
    )


def _link(letter) -> str | None:
    if letter.record_type in LINKED and letter.record_id is not None:
        return record_url(letter.record_type, letter.record_id)
    return None


def resend(message_id: int):
    try:
        with writing() as work:
            dead_letters.resend(work, actor(), message_id)
    except InvalidInput:
        flash(_("Ce message n'est pas en échec : il n'y a rien à renvoyer."), "info")
        return redirect(url_for("admin.notifications"))
    flash(_("Le message est remis dans la file d'envoi."), "success")
    return redirect(url_for("admin.notifications"))

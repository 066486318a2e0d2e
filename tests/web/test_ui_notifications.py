"""« Notifié à … le … » on the record pages, and the administrators' outbox page."""

import re
from html import unescape as html_text

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.models.notification import OutboxMessage
from engine.services.common import RecordRef
from tests.notices import notify


def section(html: str) -> str:
    match = re.search(r'<section class="notifications".*?</section>', html, re.S)
    return html_text(match.group(0)) if match else ""


def test_the_scheme_page_says_who_was_notified_and_when(world, ui):
    ref = world.scheme("recorded")
    notify(world, ref, "cotech")
    notify(world, ref, "cotech2", "pending")
    notify(world, ref, "owner", "dead", last_error="550 Boîte inconnue")
    shown = section(ui("copil").get(f"/dispositifs/{ref.id}").get_data(as_text=True))
    assert "Notifié à Cotech le 26/11/2026 à 10:00" in shown
    assert "Cotech2 : en attente d'envoi" in shown
    assert "@" not in shown and "Owner" not in shown and "550" not in shown
    admin = section(ui("admin").get(f"/dispositifs/{ref.id}").get_data(as_text=True))
    assert "Échec de l'envoi à Owner" in admin and "owner@example.mq" in admin
    assert "/administration/notifications" in admin


def test_pooling_and_meeting_pages_list_their_notifications(world, ui):
    pooling = world.pooling("recorded")
    notify(world, pooling, "cotech")
    html = ui("cotech").get(f"/mutualisations/{pooling.id}").get_data(as_text=True)
    assert "Notifié à Cotech le" in section(html)
    world.decide(world.scheme("proposed"))
    with UnitOfWork(world.db) as uow:
        meeting_id = uow.session.scalar(
            select(AuditEvent.record_id).where(AuditEvent.record_type == "meeting").limit(1)
        )
    notify(world, RecordRef("meeting", meeting_id), "copil", "digested")
    html = ui("copil").get(f"/seances/{meeting_id}").get_data(as_text=True)
    assert "Notifié à Copil dans un récapitulatif" in section(html)


def test_a_page_without_notifications_shows_no_section(world, ui):
    ref = world.scheme("recorded")
    assert section(ui("cotech").get(f"/dispositifs/{ref.id}").get_data(as_text=True)) == ""


def test_the_outbox_page_is_for_admins_and_resends_a_dead_letter(world, ui):
    ref = world.scheme("recorded")
    notify(world, ref, "cotech")
    dead = notify(world, ref, "owner", "dead", attempts=8, last_error="550 Boîte inconnue")
    for key in ("cotech", "copil", "owner"):
        assert ui(key).get("/administration/notifications").status_code == 403
        path = f"/administration/notifications/{dead}/renvoyer"
        assert ui(key).post(path).status_code == 403
    admin = ui("admin")
    assert "/administration/notifications" in admin.get("/administration").get_data(as_text=True)
    html = admin.get("/administration/notifications").get_data(as_text=True)
    assert "550 Boîte inconnue" in html and "owner@example.mq" in html
    assert f'href="/dispositifs/{ref.id}"' in html
    assert re.search(r"En échec</th><td class=\"nombre\">1</td>", html)
    response = admin.post(f"/administration/notifications/{dead}/renvoyer")
    assert response.status_code == 302
    html = html_text(admin.get("/administration/notifications").get_data(as_text=True))
    assert "Le message est remis dans la file d'envoi." in html
    assert "Aucun message en échec." in html
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(OutboxMessage, dead).status == "pending"
        assert (
            uow.session.scalar(
                select(AuditEvent.actor_id).where(AuditEvent.action == "notification_resend")
            )
            == world.actors["admin"].id
        )
    again = admin.post(f"/administration/notifications/{dead}/renvoyer", follow_redirects=True)
    assert "il n'y a rien à renvoyer" in html_text(again.get_data(as_text=True))
    log = html_text(admin.get("/journal").get_data(as_text=True))
    assert "renvoi d'une notification en échec" in log

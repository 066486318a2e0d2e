"""A meeting's documents in the browser: convocation and attendance sheet as PDF, the minutes'
page where the secretary edits and approves them, and its refusals."""

import re

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Meeting
from tests.integration.test_meeting_minutes import sit


@pytest.fixture
def held(world) -> int:
    """A COPIL meeting, closed: its minutes are to write."""
    return sit(world, [(world.scheme("proposed", title="Médiateurs de nuit"), "approve", {})])


def _meeting(world, meeting_id: int) -> Meeting:
    with UnitOfWork(world.db) as uow:
        meeting = uow.session.get(Meeting, meeting_id)
        uow.session.expunge(meeting)
        return meeting


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_the_convocation_and_the_attendance_sheet_download_as_pdf_audited(ui, world, held):
    browser = ui("copil")
    for path, document in (
        ("convocation.pdf", "convocation"),
        ("feuille-emargement.pdf", "attendance_sheet"),
    ):
        response = browser.client.get(f"/seances/{held.meeting_id}/{path}")  # bytes, no token
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert "COPIL-2027-01" in response.headers["Content-Disposition"]
        with UnitOfWork(world.db) as uow:
            event = uow.session.scalars(
                select(AuditEvent).order_by(AuditEvent.position.desc()).limit(1)
            ).one()
        assert (event.action, event.record_id, event.data["document"]) == (
            "print",
            held.meeting_id,
            document,
        )


def test_unknown_meetings_are_404(ui):
    browser = ui("copil")
    for path in ("convocation.pdf", "feuille-emargement.pdf", "proces-verbal", "proces-verbal.pdf"):
        assert browser.client.get(f"/seances/999999/{path}").status_code == 404


def test_a_reader_sees_the_draft_minutes_without_forms(ui, held):
    page = ui("copil").get(f"/seances/{held.meeting_id}/proces-verbal").get_data(as_text=True)
    assert "Projet de procès-verbal" in page
    assert "Décision COPIL-2027-01/D01 : approbation." in page
    assert "<textarea" not in page and "Approuver le procès-verbal</button>" not in page
    assert f"/seances/{held.meeting_id}/proces-verbal.pdf" in page


def test_the_secretary_edits_then_approves_the_minutes(ui, world, held):
    browser = ui("secretary")
    url = f"/seances/{held.meeting_id}/proces-verbal"
    page = browser.get(url).get_data(as_text=True)
    assert "<textarea" in page and "Aucune séance désignée" in page
    response = browser.post(url, {"text": "Procès-verbal relu.", "version": _version(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = browser.get(url).get_data(as_text=True)
    assert "Le procès-verbal a été enregistré." in page and "Procès-verbal relu." in page
    response = browser.post(f"{url}/approbation", {"version": _version(page), "at_meeting_id": ""})
    assert response.status_code == 302
    page = browser.get(url).get_data(as_text=True)
    meeting = _meeting(world, held.meeting_id)
    assert meeting.state == "minutes_approved" and meeting.minutes == "Procès-verbal relu.\n"
    assert meeting.minutes_sha256 in page and "<textarea" not in page
    pdf = browser.client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_refusals_are_shown_beside_the_field_with_the_text_kept(ui, world, held):
    browser = ui("secretary")
    url = f"/seances/{held.meeting_id}/proces-verbal"
    page = browser.get(url).get_data(as_text=True)
    stale = str(int(_version(page)) - 1)
    response = browser.post(url, {"text": "Mon texte soigneusement relu", "version": stale})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert '<p class="erreur" id="text-erreur-1">La séance a changé entre-temps.</p>' in page
    assert "Mon texte soigneusement relu</textarea>" in page
    response = browser.post(url, {"text": "   ", "version": _version(page)})
    assert response.status_code == 422
    assert "ne peut pas être vide" in response.get_data(as_text=True)
    response = browser.post(
        f"{url}/approbation", {"version": _version(page), "at_meeting_id": "999999"}
    )
    assert response.status_code == 422
    assert 'id="at_meeting_id-erreur-1">Choisissez une séance ultérieure' in response.get_data(
        as_text=True
    )
    assert _meeting(world, held.meeting_id).state == "held"


def test_only_secretaries_post_and_only_with_the_csrf_token(ui, world, held):
    url = f"/seances/{held.meeting_id}/proces-verbal"
    version = str(_meeting(world, held.meeting_id).version)
    copil = ui("copil")
    copil.get(url)
    assert copil.post(url, {"text": "Réécrit", "version": version}).status_code == 403
    assert copil.post(f"{url}/approbation", {"version": version}).status_code == 403
    secretary = ui("secretary")
    secretary.get(url)
    forged = secretary.client.post(url, data={"text": "Sans jeton", "version": version})
    assert forged.status_code == 400
    assert (
        secretary.post("/seances/999999/proces-verbal", {"text": "x", "version": "1"}).status_code
        == 404
    )
    assert _meeting(world, held.meeting_id).minutes is None


def test_before_the_meeting_is_held_there_is_no_minutes(ui, world):
    sitting = sit(world, [(world.scheme("proposed"), "approve", {})], close=False)
    page = ui("secretary").get(f"/seances/{sitting.meeting_id}/proces-verbal")
    assert page.status_code == 200
    assert "se rédige une fois la séance tenue" in page.get_data(as_text=True)
    assert (
        ui("copil").client.get(f"/seances/{sitting.meeting_id}/proces-verbal.pdf").status_code
        == 409
    )

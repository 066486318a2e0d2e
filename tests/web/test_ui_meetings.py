"""The meetings' pages: the calendar, a meeting with its members, agenda, recusals and decisions;
the log and the worklist with meetings in them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import MeetingItem
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.transitions import apply_transition


@pytest.fixture
def meeting(world):
    secretary = world.actors["secretary"] = world.add_user("secretary", ["secretary"], None)
    prefecture = world.add_user("prefecture", ["copil"], world.organisation_id)
    members = [world.actors["copil"].id, world.actors["copil2"].id, prefecture.id]
    ref = world.scheme("proposed", title="Médiateurs de nuit")
    with UnitOfWork(world.db) as uow:
        meeting = plan_meeting(
            uow,
            secretary,
            committee="copil",
            title="COPIL de janvier",
            starts_at=datetime(2027, 1, 14, 13, 0, tzinfo=UTC),
            secretary_id=secretary.id,
            member_ids=members,
            place="Hôtel de la CTM",
        )
        meeting_id = meeting.id
    with UnitOfWork(world.db) as uow:
        item_id = add_item(uow, secretary, meeting_id, ref, summary="Avis favorable").id
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, RecordRef("meeting", meeting_id), "convene", secretary)
    for user_id in members:
        with UnitOfWork(world.db) as uow:
            set_attendance(uow, secretary, meeting_id, user_id, "present")
    with UnitOfWork(world.db) as uow:
        record_decision(uow, secretary, item_id, "approve", votes=(2, 0, 0))
    return meeting_id


def test_the_calendar_lists_the_meeting(ui, meeting):
    page = ui("copil").get("/seances").get_data(as_text=True)
    assert "COPIL-2027-01" in page and "COPIL de janvier" in page
    assert "14/01/2027" in page and "Hôtel de la CTM" in page


def test_a_meetings_page_shows_attendance_quorum_agenda_recusals_and_decisions(ui, meeting):
    response = ui("copil").get(f"/seances/{meeting}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Copil2 — présent" in page
    assert "quorum atteint : 3 membres présents ou représentés sur 3" in page
    assert "Médiateurs de nuit" in page and "/dispositifs/" in page
    assert "Déportés : Prefecture (membre de « Ville de Fort-de-France »" in page
    assert "COPIL-2027-01/D01" in page and "pour 2, contre 0, abstention 0" in page


def test_an_unknown_meeting_is_a_french_404(ui):
    response = ui("copil").get("/seances/999999")
    assert response.status_code == 404


def test_the_log_and_the_worklist_show_meetings_without_error(ui, meeting):
    log = ui("admin").get("/journal")
    assert log.status_code == 200
    assert f"/seances/{meeting}" in log.get_data(as_text=True)
    assert ui("admin").get("/a-traiter").status_code == 200
    assert ui("admin").get("/tableau-de-bord").status_code == 200


def test_the_secretarys_worklist_shows_the_meeting_to_hold(ui, meeting):
    page = ui("secretary").get("/a-traiter").get_data(as_text=True)
    assert "COPIL-2027-01" in page and f"/seances/{meeting}" in page


def test_a_schemes_page_names_the_meeting_that_will_decide_it_then_the_decision(ui, world, meeting):
    with UnitOfWork(world.db) as uow:
        scheme_id = uow.session.scalar(select(MeetingItem.record_id))
    page = ui("owner").get(f"/dispositifs/{scheme_id}").get_data(as_text=True)
    assert f'href="/seances/{meeting}">COPIL-2027-01</a>, 14/01/2027' in page
    assert "décision COPIL-2027-01/D01 enregistrée (approuver), appliquée à la clôture" in page
    secretary = world.actors["secretary"]
    with UnitOfWork(world.db) as uow:
        close_meeting(uow, secretary, meeting)
    page = ui("owner").get(f"/dispositifs/{scheme_id}").get_data(as_text=True)
    assert "décision COPIL-2027-01/D01 : approuver" in page

"""The "À traiter" page: the home page after sign-in, each user's waiting records."""

from datetime import timedelta

from sqlalchemy import update

from engine.db.uow import UnitOfWork
from engine.models import Scheme


def test_home_leads_signed_in_users_to_their_worklist(ui, browser):
    assert ui("owner").get("/").headers["Location"].endswith("/a-traiter")
    assert browser.get("/a-traiter").status_code == 302


def test_the_worklist_lists_links_and_marks_overdue_records(world, ui, test_clock):
    late = world.scheme("recorded", title="Médiation en retard")
    world.scheme("reviewed", title="Prêt à proposer")
    with UnitOfWork(world.db) as uow:
        uow.session.execute(
            update(Scheme)
            .where(Scheme.id == late.id)
            .values(state_changed_at=test_clock() - timedelta(days=16))
        )
        uow.commit()
    html = ui("cotech").get("/a-traiter").get_data(as_text=True)
    assert html.index("Médiation en retard") < html.index("Prêt à proposer")
    assert f'href="/dispositifs/{late.id}"' in html
    assert "Valider l&#39;examen" in html and "Proposer au COPIL" in html
    assert html.count('class="en-retard"') == 1
    assert "2 éléments attendent une action de votre part" in html


def test_an_owner_sees_their_drafts_and_copil_nothing_yet(world, ui):
    world.scheme("draft", title="Mon brouillon")
    assert "Mon brouillon" in ui("owner").get("/a-traiter").get_data(as_text=True)
    assert "Mon brouillon" not in ui("other_owner").get("/a-traiter").get_data(as_text=True)
    assert "Rien ne vous attend" in ui("copil").get("/a-traiter").get_data(as_text=True)


def test_poolings_awaiting_review_say_who_may_review(world, ui):
    world.pooling("recorded", author="cotech")
    html = ui("cotech").get("/a-traiter").get_data(as_text=True)
    assert "Mutualiser la médiation" in html
    assert "un autre membre du COTECH doit" in html

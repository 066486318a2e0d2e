"""English as the second language: the account's choice, else the browser's; French by default."""

from html import unescape

import pytest

from engine.db.uow import UnitOfWork
from engine.services.users import set_locale


def _text(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def english_cotech(world, ui):
    """The COTECH member, whose account is set to English, signed in."""
    with UnitOfWork(world.db) as uow:
        set_locale(uow, world.actors["cotech"], "en")
    return ui("cotech")


def test_an_english_browser_gets_the_sign_in_page_in_english(browser):
    page = _text(browser.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "<h1>Sign in</h1>" in page and "Email address" in page and "Password" in page
    assert "Connexion" not in page and "Se connecter" not in page


def test_french_is_the_default(browser, ui):
    page = _text(browser.get("/connexion"))
    assert "<h1>Connexion</h1>" in page and "Sign in" not in page
    page = _text(ui("cotech").get("/a-traiter", headers={"Accept-Language": "de"}))
    assert "À traiter" in page and "To do" not in page


def test_the_accounts_language_wins_over_the_browsers(english_cotech):
    page = _text(english_cotech.get("/a-traiter", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in page and "À traiter" not in page


def test_the_worklist_and_the_menu_in_english(world, english_cotech):
    world.scheme("recorded", title="Médiation de quartier")
    page = _text(english_cotech.get("/a-traiter"))
    assert "<h1>To do</h1>" in page
    for item in ("Schemes", "Poolings", "Dashboard", "Workflows", "Audit log", "Sign out"):
        assert item in page
    assert "1 item is waiting for your action, oldest first." in page
    assert "Médiation de quartier" in page  # what people typed is never translated


def test_the_inventory_list_in_english(world, english_cotech):
    world.scheme("recorded", title="Médiation de quartier")
    page = _text(english_cotech.get("/dispositifs"))
    assert "<h1>Schemes</h1>" in page and "Search" in page and "1 scheme" in page
    assert "Dispositifs" not in page


def test_a_scheme_page_in_english_with_the_workflows_english_labels(world, english_cotech):
    scheme = world.scheme("recorded", title="Médiation de quartier")
    page = _text(english_cotech.get(f"/dispositifs/{scheme.id}"))
    assert "Médiation de quartier" in page and "The record" in page and "History" in page
    assert "recorded</span>" in page  # the state's badge, from the workflow's label_en
    assert "Confirm the review" in page and "Request changes" in page
    assert "Valider l'examen" not in page and "Historique" not in page


def test_an_error_page_in_english(world, english_cotech):
    page = _text(english_cotech.get("/dispositifs/999999"), 404)
    assert "Page not found" in page and "Page introuvable" not in page


def test_a_proposed_record_says_in_english_that_the_copil_decides_in_session(world, english_cotech):
    ref = world.scheme("proposed")
    page = _text(english_cotech.get(f"/dispositifs/{ref.id}"))
    assert (
        "To be decided in session (approve, send back to the COTECH, do not retain): to be put "
        "on the agenda of a forthcoming meeting."
    ) in page

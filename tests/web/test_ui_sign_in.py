"""Signing in and out through the pages, and the pages that need it."""


def test_pages_send_anonymous_visitors_to_sign_in_and_back(browser) -> None:
    response = browser.get("/dispositifs?theme=x")
    assert response.status_code == 302
    assert response.location == "/connexion?next=/dispositifs?theme%3Dx"


def test_signing_in_leads_to_the_page_asked_for(browser) -> None:
    browser.get("/connexion")
    response = browser.post(
        "/connexion?next=/tableau-de-bord",
        {"email": "owner@example.mq", "password": "mot de passe de test 2026"},
    )
    assert response.status_code == 302
    assert response.location == "/tableau-de-bord"


def test_a_wrong_password_is_refused_in_french(browser) -> None:
    response = browser.sign_in("owner@example.mq", "pas le bon mot de passe")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(ui) -> None:
    owner = ui("owner")
    response = owner.client.post("/deconnexion")
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)


def test_an_unknown_page_answers_404_in_french(browser) -> None:
    response = browser.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)

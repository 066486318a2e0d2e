"""The account page: who I am, my password, my language, my API tokens."""

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import ApiToken, AuditEvent, User
from tests.factories import PASSWORD

NEW = "une phrase assez longue et rare"


def test_anonymous_visitors_are_sent_to_sign_in(browser) -> None:
    assert browser.get("/compte").location == "/connexion?next=/compte"
    for path in ("/compte/mot-de-passe", "/compte/jetons", "/compte/jetons/1/revoquer"):
        browser.get("/connexion")
        assert browser.post(path).status_code == 302


def test_the_page_shows_name_email_organisation_and_roles(ui) -> None:
    page = ui("owner").get("/compte").get_data(as_text=True)
    for text in ("Owner", "owner@example.mq", "Ville de Fort-de-France", "Porteur de dispositif"):
        assert text in page


def test_a_password_change_needs_the_current_one_and_shows_errors_by_their_field(ui, world) -> None:
    owner = ui("owner")
    response = owner.post(
        "/compte/mot-de-passe", {"current_password": "pas le bon", "new_password": "motdepasse123"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mot de passe actuel incorrect." in page
    assert "Ce mot de passe est trop courant" in page
    assert "motdepasse123" not in page  # passwords are never sent back
    with UnitOfWork(world.db) as uow:
        assert not uow.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "password_change")
        )


def test_a_password_change_keeps_this_session_and_ends_the_others(app, ui, browser) -> None:
    owner = ui("owner")
    elsewhere = ui("owner")
    old_cookie = owner.client.get_cookie("session").value
    response = owner.post(
        "/compte/mot-de-passe", {"current_password": PASSWORD, "new_password": NEW}
    )
    assert response.location == "/compte"
    assert "Votre mot de passe a été changé" in owner.get("/compte").get_data(as_text=True)
    assert elsewhere.get("/compte").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/compte").status_code == 302
    assert browser.sign_in("owner@example.mq").status_code == 401
    assert browser.sign_in("owner@example.mq", NEW).status_code == 302


def test_a_token_is_shown_once_then_listed_by_its_prefix(ui, world) -> None:
    owner = ui("owner")
    response = owner.post("/compte/jetons", {"name": "Tableur CACEM"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = page.split('<code id="jeton-secret">')[1].split("</code>")[0]
    assert secret.startswith("mlg_")
    again = owner.get("/compte").get_data(as_text=True)
    assert secret not in again
    assert "Tableur CACEM" in again and secret[:12] in again


def test_a_token_needs_a_name(ui) -> None:
    response = ui("owner").post("/compte/jetons", {"name": "  "})
    assert response.status_code == 422
    assert "Nom du jeton obligatoire" in response.get_data(as_text=True)


def test_a_token_is_revoked_by_its_owner_only(ui, world, client) -> None:
    owner = ui("owner")
    page = owner.post("/compte/jetons", {"name": "à révoquer"}).get_data(as_text=True)
    secret = page.split('<code id="jeton-secret">')[1].split("</code>")[0]
    with UnitOfWork(world.db) as uow:
        token_id = uow.session.scalar(select(ApiToken.id).where(ApiToken.name == "à révoquer"))
    assert ui("owner2").post(f"/compte/jetons/{token_id}/revoquer").status_code == 403
    response = owner.post(f"/compte/jetons/{token_id}/revoquer")
    assert response.location == "/compte"
    assert "Révoqué le" in owner.get("/compte").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_revoking_an_unknown_token_answers_404(ui) -> None:
    assert ui("owner").post("/compte/jetons/999999/revoquer").status_code == 404


def test_the_language_choice_is_offered_and_stored(ui, world) -> None:
    owner = ui("owner")
    assert 'name="locale"' in owner.get("/compte").get_data(as_text=True)
    owner.post("/langue", {"locale": "en", "next": "/compte"})
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(User, world.actors["owner"].id).locale == "en"

"""The forgotten-password pages: asking (always the same answer), the link's page (never cached,
no Referer), a new password that ends every session, a clear page for a dead link, a 429."""

import re

from engine.notifications.worker import Worker
from engine.services import password_reset

NEW = "une phrase assez longue pour passer"
LINK = re.compile(r"https://maillage\.example(/mot-de-passe/[A-Za-z0-9_\-]+)")


def ask(browser, email, **kwargs):
    browser.get("/mot-de-passe-oublie", **kwargs)
    return browser.post("/mot-de-passe-oublie", {"email": email}, **kwargs)


def without_csrf(response) -> str:
    return re.sub(r'content="[^"]+"', "", response.get_data(as_text=True))


def mailed_path(world, mail_server, mail_settings, test_clock, email="owner@example.mq") -> str:
    Worker(world.db, mail_settings, clock=test_clock).run_once()
    return LINK.search(mail_server.to(email)[-1].part("plain")).group(1)


def test_the_sign_in_page_offers_the_reset_only_with_mail(app, browser) -> None:
    page = browser.get("/connexion").get_data(as_text=True)
    assert 'href="/mot-de-passe-oublie"' in page and "Mot de passe oublié ?" in page

    app.config["MAILLAGE_PASSWORD_RESET"] = False
    page = browser.get("/connexion").get_data(as_text=True)
    assert "Demandez à un administrateur" in page and "/mot-de-passe-oublie" not in page
    assert browser.get("/mot-de-passe-oublie").status_code == 404
    assert browser.get("/mot-de-passe/abc").status_code == 404


def test_the_answer_is_the_same_whether_the_address_exists_or_not(
    browser, world, mail_server, mail_settings, test_clock
) -> None:
    known = ask(browser, "owner@example.mq")
    unknown = ask(browser, "personne@example.mq")

    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)
    assert "Si un compte actif a cette adresse" in known.get_data(as_text=True)
    Worker(world.db, mail_settings, clock=test_clock).run_once()
    assert [m.recipients for m in mail_server.messages] == [("owner@example.mq",)]


def test_the_link_sets_a_new_password_and_ends_every_session(
    browser, ui, world, mail_server, mail_settings, test_clock
) -> None:
    elsewhere = ui("owner")
    ask(browser, "owner@example.mq")
    path = mailed_path(world, mail_server, mail_settings, test_clock)

    form = browser.get(path)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert "owner@example.mq" in form.get_data(as_text=True)
    done = browser.post(path, {"new_password": NEW, "confirmation": NEW})

    assert done.status_code == 303
    assert done.location == "/connexion?email=owner@example.mq"
    assert elsewhere.get("/compte").status_code == 302  # the other session has ended
    page = browser.get(done.location).get_data(as_text=True)
    assert "Votre mot de passe a été changé" in page and 'value="owner@example.mq"' in page
    assert browser.sign_in("owner@example.mq", NEW).status_code == 302
    again = browser.get(path)
    assert again.status_code == 410 and "Demander un nouveau lien" in again.get_data(as_text=True)


def test_mistakes_are_shown_next_to_their_field(
    browser, world, mail_server, mail_settings, test_clock
) -> None:
    ask(browser, "owner@example.mq")
    path = mailed_path(world, mail_server, mail_settings, test_clock)
    browser.get(path)

    different = browser.post(path, {"new_password": NEW, "confirmation": NEW + "!"})
    weak = browser.post(path, {"new_password": "court", "confirmation": "court"})

    assert different.status_code == weak.status_code == 422
    assert "Les deux mots de passe ne sont pas identiques." in different.get_data(as_text=True)
    assert "au moins 12 caractères" in weak.get_data(as_text=True)
    assert NEW not in different.get_data(as_text=True)
    assert browser.post(path, {"new_password": NEW, "confirmation": NEW}).status_code == 303


def test_a_dead_link_gets_a_clear_page_not_an_error(
    browser, world, mail_server, mail_settings, test_clock
) -> None:
    assert browser.get("/mot-de-passe/" + "x" * 43).status_code == 410
    ask(browser, "owner@example.mq")
    path = mailed_path(world, mail_server, mail_settings, test_clock)
    test_clock.advance(minutes=31)

    expired = browser.get(path)
    posted = browser.post(path, {"new_password": NEW, "confirmation": NEW})

    assert expired.status_code == posted.status_code == 410
    page = expired.get_data(as_text=True)
    assert "Lien non valable" in page and 'href="/mot-de-passe-oublie"' in page
    assert expired.headers["Cache-Control"] == "no-store"


def test_too_many_requests_get_a_french_429(browser) -> None:
    for _ in range(password_reset.EMAIL_LIMIT.tries):
        ask(browser, "owner@example.mq")
    refused = ask(browser, "owner@example.mq")

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "901"
    assert "Trop de demandes : réessayez dans 15 minutes." in refused.get_data(as_text=True)


def test_the_pages_need_their_csrf_token(client) -> None:
    assert (
        client.post("/mot-de-passe-oublie", data={"email": "owner@example.mq"}).status_code == 400
    )


def test_the_pages_speak_english(browser) -> None:
    browser.get("/connexion")
    browser.post("/langue", {"locale": "en"})
    page = browser.get("/mot-de-passe-oublie").get_data(as_text=True)
    assert "Forgotten password" in page


def test_env_offers_the_reset_only_with_an_smtp_server(monkeypatch, tmp_path):
    from engine.db.config import Settings
    from web import DATABASE, create_app

    settings = Settings(instance_path=tmp_path, database_url="sqlite://", secret_key="k")
    for value, offered in (("smtp://127.0.0.1:2525", True), ("", False)):
        monkeypatch.setenv("MAILLAGE_SMTP_URL", value)
        app = create_app(settings)
        assert app.config["MAILLAGE_PASSWORD_RESET"] is offered
        app.extensions[DATABASE].dispose()

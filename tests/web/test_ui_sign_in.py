"""Signing in and out through the pages: throttled, audited, the same answer for every refusal."""

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.services.users import set_user_active
from tests.factories import PASSWORD

WRONG = "pas le bon mot de passe"


def actions(world) -> list[tuple[str, int | None]]:
    with UnitOfWork(world.db) as uow:
        rows = uow.session.execute(
            select(AuditEvent.action, AuditEvent.record_id)
            .where(AuditEvent.action.in_(["sign_in", "sign_in_failed", "sign_out"]))
            .order_by(AuditEvent.position)
        )
        return [tuple(row) for row in rows]


def test_pages_send_anonymous_visitors_to_sign_in_and_back(browser) -> None:
    response = browser.get("/dispositifs?theme=x")
    assert response.status_code == 302
    assert response.location == "/connexion?next=/dispositifs?theme%3Dx"


def test_signing_in_leads_to_the_page_asked_for(browser) -> None:
    browser.get("/connexion")
    response = browser.post(
        "/connexion?next=/tableau-de-bord",
        {"email": "owner@example.mq", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/tableau-de-bord"


def test_never_to_another_site(browser) -> None:
    browser.get("/connexion")
    response = browser.post(
        "/connexion?next=//ailleurs.example", {"email": "owner@example.mq", "password": PASSWORD}
    )
    assert response.location == "/a-traiter"


def test_the_sign_in_page_has_labelled_fields(browser) -> None:
    page = browser.get("/connexion").get_data(as_text=True)
    assert '<label for="email">Adresse électronique</label>' in page
    assert '<label for="password">Mot de passe</label>' in page


def test_a_wrong_password_is_refused_in_french_and_keeps_the_email(browser) -> None:
    response = browser.sign_in("owner@example.mq", WRONG)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Adresse électronique ou mot de passe incorrect." in page
    assert 'value="owner@example.mq"' in page
    assert WRONG not in page


def test_an_unknown_email_gets_the_same_answer(browser) -> None:
    unknown = browser.sign_in("personne@example.mq", WRONG)
    wrong = browser.sign_in("owner@example.mq", WRONG)
    assert unknown.status_code == wrong.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in unknown.get_data(as_text=True)


def test_a_deactivated_user_cannot_sign_in(browser, world) -> None:
    with UnitOfWork(world.db) as uow:
        set_user_active(uow, world.actors["admin"], world.actors["owner"].id, False)
    response = browser.sign_in("owner@example.mq")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)


def test_successes_and_failures_are_audited(browser, world) -> None:
    browser.sign_in("owner@example.mq", WRONG)
    browser.sign_in("personne@example.mq", WRONG)
    browser.sign_in("owner@example.mq")
    owner = world.actors["owner"].id
    assert actions(world) == [
        ("sign_in_failed", owner),
        ("sign_in_failed", None),
        ("sign_in", owner),
    ]


def test_the_sixth_try_within_15_minutes_waits_even_with_the_right_password(
    browser, world, clock
) -> None:
    for _ in range(5):
        assert browser.sign_in("owner@example.mq", WRONG).status_code == 401
        clock.advance(minutes=1)
    response = browser.sign_in("owner@example.mq")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion : réessayez dans 10 minutes." in response.get_data(
        as_text=True
    )
    assert int(response.headers["Retry-After"]) > 600
    assert ("sign_in", world.actors["owner"].id) not in actions(world)
    clock.advance(minutes=10)  # the first failure has left the window
    assert browser.sign_in("owner@example.mq").status_code == 302


def test_twenty_failures_a_minute_from_one_address_make_it_wait(app, browser, clock) -> None:
    for i in range(20):
        assert browser.sign_in(f"essai{i}@example.mq", WRONG).status_code == 401
    assert browser.sign_in("owner@example.mq").status_code == 429
    elsewhere = app.test_client()
    response = elsewhere.get("/connexion", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    token = response.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    response = elsewhere.post(
        "/connexion",
        data={"csrf_token": token, "email": "owner@example.mq", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302
    clock.advance(minutes=1, seconds=1)
    assert browser.sign_in("cotech@example.mq").status_code == 302


def test_sign_out_is_audited_and_the_old_cookie_no_longer_works(app, ui, world) -> None:
    owner = ui("owner")
    cookie = owner.client.get_cookie("session").value
    response = owner.post("/deconnexion")
    assert response.location == "/connexion"
    assert ("sign_out", world.actors["owner"].id) in actions(world)
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/compte").status_code == 302
    assert replay.get("/api/v1/me").status_code == 401


def test_a_form_without_its_csrf_token_is_refused(ui) -> None:
    owner = ui("owner")
    response = owner.client.post("/deconnexion")
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)
    assert owner.get("/compte").status_code == 200  # still signed in


def test_a_sign_in_without_its_csrf_token_is_refused(client) -> None:
    response = client.post("/connexion", data={"email": "owner@example.mq", "password": PASSWORD})
    assert response.status_code == 400


def test_an_unknown_page_answers_404_in_french(browser) -> None:
    response = browser.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_signing_in_renews_the_forms_csrf_token(browser) -> None:
    browser.get("/connexion")
    before = browser.csrf
    browser.post("/connexion", {"email": "owner@example.mq", "password": PASSWORD})
    stale = browser.client.post("/deconnexion", data={"csrf_token": before})
    assert stale.status_code == 400
    browser.get("/compte")
    assert browser.csrf != before
    assert browser.post("/deconnexion").status_code == 302

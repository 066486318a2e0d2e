"""Signing in and out through the pages: throttled, audited, the same answer for every refusal."""

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.services.signin import BLOCKED as ENGINE_BLOCKED
from engine.services.signin import SignInRefused, sign_in
from engine.services.users import set_user_active
from tests.factories import PASSWORD
from tests.web.conftest import Browser
from web.devices import COOKIE, PATH
from web.ui.account import BLOCKED

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


# A stranger guessing a password must not keep its owner out (issue 14).

ATTACKER = "10.6.6.6"


def attack(app, tries=12, address=ATTACKER) -> list[int]:
    stranger = Browser(app.test_client())
    return [stranger.sign_in("owner@example.mq", WRONG, address).status_code for _ in range(tries)]


def test_an_attack_from_one_address_does_not_keep_the_user_out_from_another(app, browser):
    assert attack(app) == [401] * 5 + [429] * 7
    assert browser.sign_in("owner@example.mq", address="10.0.0.7").status_code == 302


def test_a_browser_that_signed_in_gets_a_signed_cookie_for_the_sign_in_page_only(browser):
    assert browser.sign_in("owner@example.mq").status_code == 302
    cookie = browser.client.get_cookie(COOKIE, path=PATH)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert browser.client.get_cookie(COOKIE) is None  # not sent to the other pages


def test_a_known_browser_signs_in_at_once_even_from_the_attackers_address(app, browser, world):
    assert browser.sign_in("owner@example.mq", address=ATTACKER).status_code == 302
    browser.post("/deconnexion")
    attack(app)
    assert (
        Browser(app.test_client()).sign_in("owner@example.mq", address=ATTACKER).status_code == 429
    )
    assert browser.sign_in("owner@example.mq", address=ATTACKER).status_code == 302


def test_a_forged_cookie_counts_for_nothing(app, browser, world):
    attack(app)
    forged = Browser(app.test_client())
    owner = world.actors["owner"].id
    forged.client.set_cookie(COOKIE, f'{{"u": {owner}, "n": "x"}}.forged', path=PATH)
    assert forged.sign_in("owner@example.mq", address=ATTACKER).status_code == 429


def block_owner(world, clock) -> None:
    """A hundred failures from twenty addresses, as a distributed guess would make."""
    for i in range(20):
        for _ in range(5):
            with UnitOfWork(world.db, clock=clock) as uow, pytest.raises(SignInRefused):
                sign_in(uow, "owner@example.mq", WRONG, f"10.7.{i}.1")
        clock.advance(minutes=1)


def test_a_blocked_account_is_told_in_french_what_to_do(browser, world, clock):
    block_owner(world, clock)
    response = browser.sign_in("owner@example.mq", address="10.0.0.9")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Ce compte est bloqué après de trop nombreuses tentatives de connexion" in page
    assert "Demandez à un administrateur de Maillage de le débloquer" in page


def test_the_blocked_sentence_is_the_engines(app):
    with app.test_request_context():
        assert str(BLOCKED) == ENGINE_BLOCKED


def test_an_administrator_sees_who_tried_and_unblocks(browser, ui, world, clock):
    block_owner(world, clock)
    admin = ui("admin")
    page = admin.get("/administration/connexions-bloquees").get_data(as_text=True)
    assert "owner@example.mq" in page and "10.7.0.1" in page
    assert "Connexions bloquées" in admin.get("/administration").get_data(as_text=True)
    owner = world.actors["owner"].id
    response = admin.post(f"/administration/connexions-bloquees/{owner}")
    assert response.status_code == 302
    assert "Aucun compte n'est bloqué." in admin.get(
        "/administration/connexions-bloquees"
    ).get_data(as_text=True)
    assert browser.sign_in("owner@example.mq", address="10.0.0.9").status_code == 302
    assert ui("cotech").get("/administration/connexions-bloquees").status_code == 403

"""Signing in and out in a real browser: the redirect back, the French refusal, the sign-out."""

import re

from playwright.sync_api import expect

from tests.browser.checks import assert_page_is_sound
from tests.browser.conftest import PHONE, sign_in


def test_a_visitor_is_sent_to_sign_in_then_back_to_the_page_asked_for(visitors) -> None:
    page = visitors.anonymous()
    page.goto("/dispositifs")
    expect(page).to_have_url(re.compile(r"/connexion\?next=/dispositifs$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()

    page.get_by_label("Adresse électronique").fill("owner@example.mq")
    page.get_by_label("Mot de passe").fill("mot de passe de test 2026")
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/dispositifs$"))
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()


def test_a_wrong_password_is_refused_in_french_and_the_email_kept(visitors) -> None:
    page = visitors.anonymous()
    sign_in(page, "owner@example.mq", "pas le bon mot de passe")

    refusal = "Adresse électronique ou mot de passe incorrect."
    expect(page.get_by_role("alert")).to_have_text(refusal)
    expect(page.get_by_label("Adresse électronique")).to_have_value("owner@example.mq")
    expect(page.get_by_label("Mot de passe")).to_have_value("")


def test_signing_out_ends_the_session(as_user) -> None:
    page = as_user("owner")
    page.get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté(e).")
    page.goto("/a-traiter")
    expect(page).to_have_url(re.compile(r"/connexion\?next=/a-traiter$"))


def test_the_sign_in_page_is_accessible_and_fits_a_phone(visitors) -> None:
    for viewport, name in ((None, "connexion"), (PHONE, "connexion")):
        page = visitors.anonymous(viewport)
        page.goto("/connexion")
        assert_page_is_sound(page, name)
        expect(page.get_by_role("button", name="Se connecter")).to_be_in_viewport()


def test_the_language_follows_the_browser_then_the_visitor_s_choice(visitors) -> None:
    page = visitors.anonymous(locale="en-GB")
    page.goto("/connexion")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label(re.compile("^(Langue|Language)$")).select_option("fr")
    page.get_by_role("button", name=re.compile("^(Changer de langue|Change language)$")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()

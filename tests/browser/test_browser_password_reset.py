"""A forgotten password in a real browser: ask, read the mail the SMTP server received, follow its
link, choose a new password, sign in with it."""

import re

from playwright.sync_api import expect

from engine.notifications.settings import MailSettings
from engine.notifications.worker import Worker
from tests.browser.checks import assert_page_is_sound
from tests.browser.conftest import sign_in

NEW = "une phrase assez longue pour passer"


def test_a_forgotten_password_is_reset_by_mail(
    visitors, live_server, world, mail_server, test_clock
) -> None:
    page = visitors.anonymous()
    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse électronique").fill("owner@example.mq")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_contain_text("Si un compte actif a cette adresse")

    settings = MailSettings.from_url(mail_server.url, base_url=live_server)
    assert Worker(world.db, settings, clock=test_clock).run_once().sent == 1
    [mail] = mail_server.to("owner@example.mq")
    link = re.search(re.escape(live_server) + r"/mot-de-passe/\S+", mail.part("plain")).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    assert_page_is_sound(page, "mot-de-passe-nouveau")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW)
    page.get_by_role("button", name="Changer le mot de passe").click()

    expect(page).to_have_url(re.compile(r"/connexion\?email="))
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été changé")
    expect(page.get_by_label("Adresse électronique")).to_have_value("owner@example.mq")
    sign_in(page, "owner@example.mq", NEW)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()

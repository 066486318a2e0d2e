"""What JavaScript adds, checked where only a browser can, and the same flows without it."""

import re

from playwright.sync_api import expect

from tests.browser.record_page import expect_flash, expect_offered, expect_state, fire

EXISTING = "Médiation sociale de nuit au Lamentin"


def test_possible_duplicates_appear_while_the_title_is_typed(world, as_user) -> None:
    world.scheme("recorded", title=EXISTING)
    page = as_user("owner")
    page.goto("/dispositifs/nouveau")

    page.get_by_label("Intitulé").press_sequentially("Médiation sociale de nuit", delay=20)

    duplicates = page.locator("#doublons")
    expect(duplicates).to_contain_text("Ces dispositifs existent peut-être déjà")
    expect(duplicates.get_by_role("link", name=re.compile(EXISTING))).to_be_visible()


def test_all_of_martinique_covers_the_communes(as_user) -> None:
    page = as_user("owner")
    page.goto("/dispositifs/nouveau")
    commune = page.get_by_role("checkbox", name="Le Lamentin", exact=True)
    expect(commune).to_be_enabled()

    page.get_by_role("checkbox", name="Toute la Martinique").check()
    expect(commune).to_be_disabled()
    page.get_by_role("checkbox", name="Toute la Martinique").uncheck()
    expect(commune).to_be_enabled()


def test_without_javascript_a_draft_is_created_completed_and_submitted(world, visitors) -> None:
    world.scheme("recorded", title=EXISTING)
    page = visitors.signed_in("owner", javascript=False)
    page.goto("/dispositifs/nouveau")
    page.get_by_label("Intitulé").fill("Médiation sociale de nuit")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    # Without the script, possible duplicates are shown once the draft is saved.
    expect(page).to_have_url(re.compile(r"/dispositifs/\d+/modifier$"))
    expect(page.locator("#doublons").get_by_role("link", name=re.compile(EXISTING))).to_be_visible()
    page.get_by_label("Résumé").fill("Des médiateurs le soir dans les quartiers.")
    page.get_by_label("Description").fill("Une équipe de quatre médiateurs, du mardi au samedi.")
    page.get_by_role("checkbox", name="médiation sociale et tranquillité publique").check()
    page.get_by_role("checkbox", name="habitants / tout public").check()
    page.get_by_role("checkbox", name="médiation", exact=True).check()
    page.get_by_role("checkbox", name="Toute la Martinique").check()
    page.get_by_label("Critères d'éligibilité").fill("Habitants des quartiers prioritaires.")
    page.get_by_label("Date de début").fill("01/09/2025")
    page.get_by_label("Téléphone du contact").fill("0596 00 41 20")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect_flash(page, "Modifications enregistrées.")

    fire(page, "submit", "Soumettre")
    expect_state(page, "enregistré")
    expect(page.locator("main")).to_contain_text(re.compile(r"Territoire couvert\s*Martinique"))


def test_without_javascript_a_cotech_member_reviews_a_scheme(world, visitors) -> None:
    ref = world.scheme("recorded", title=EXISTING)
    page = visitors.signed_in("cotech2", javascript=False)
    page.goto(f"/dispositifs/{ref.id}")
    fire(page, "review", "Valider l'examen")
    expect_state(page, "examiné par le COTECH")
    expect_offered(page, "Demander des compléments", "Proposer au COPIL", "Ne pas retenir")


def test_the_first_tab_stop_skips_to_the_content(as_user) -> None:
    page = as_user("owner")
    page.goto("/dispositifs")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))

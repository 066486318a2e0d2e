"""A whole COPIL meeting in a real browser, played by its secretary: planned with two members
(one of the Préfecture's organisation, recused from its schemes), the proposed schemes put on
the agenda, convened, attendance and decisions recorded, the dry run, the close; the scheme's
page then says it is approved, with the decision's number; the minutes are edited then
approved, their SHA-256 shown."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_page_is_sound
from tests.browser.conftest import PHONE
from tests.browser.record_page import expect_flash, expect_state, fire

pytestmark = pytest.mark.slow


@pytest.fixture
def cast(world):
    """The secretary, the COPIL member of the schemes' organisation, two proposed schemes."""
    world.actors["secretary"] = world.add_user("secretary", ["secretary"], None)
    world.actors["prefecture"] = world.add_user("prefecture", ["copil"], world.organisation_id)
    first = world.scheme("proposed", title="Médiateurs de nuit")
    second = world.scheme("proposed", title="Chantiers jeunes")
    return world.actors, first, second


def test_a_whole_meeting_from_planning_to_approved_minutes(as_user, visitors, cast) -> None:
    people, first, second = cast
    secretary = as_user("secretary")
    meeting_url = plan(secretary, people)
    put_on_the_agenda(secretary)
    convene(secretary)
    record_attendance(secretary)
    record_decisions(secretary)

    phone = visitors.signed_in("secretary", PHONE)
    phone.goto(meeting_url)
    assert_page_is_sound(phone, "seance-en-cours")

    dry_run_and_close(secretary)

    owner = as_user("owner")
    owner.goto(f"/dispositifs/{first.id}")
    expect_state(owner, "approuvé par le COPIL")
    expect(owner.get_by_role("region", name="En séance")).to_contain_text(
        "décision COPIL-2027-01/D02 : approuver"
    )
    owner.goto(f"/dispositifs/{second.id}")
    expect_state(owner, "examiné par le COTECH")

    secretary.goto(meeting_url)
    edit_and_approve_the_minutes(secretary)


def plan(page: Page, people) -> str:
    page.goto("/seances")
    page.get_by_role("link", name="Planifier une séance").click()
    expect(page).to_have_url(re.compile(r"/seances/nouvelle$"))
    assert_page_is_sound(page, "seance-nouvelle")
    page.get_by_label("Intitulé").fill("COPIL de janvier")
    page.get_by_label("Date", exact=True).fill("14/01/2027")
    page.get_by_label("Heure", exact=True).fill("09:30")
    page.get_by_label("Lieu").fill("Hôtel de la CTM")
    for key in ("copil", "prefecture"):
        page.locator(f"#membre-copil-{people[key].id}").check()
    page.get_by_role("button", name="Planifier la séance").click()

    expect(page).to_have_url(re.compile(r"/seances/\d+$"))
    expect_flash(page, "Séance COPIL-2027-01 planifiée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("COPIL de janvier")
    expect(page.locator("main")).to_contain_text("14/01/2027 à 09:30")
    expect(page.locator(".prochaine-etape")).to_contain_text(
        "2 dossiers proposés au COPIL ne sont inscrits à aucune séance."
    )
    return page.url


def put_on_the_agenda(page: Page) -> None:
    for title, summary in (
        ("Médiateurs de nuit", "Avis favorable du COTECH"),
        ("Chantiers jeunes", "Budget à préciser"),
    ):
        proposal = page.locator(".propositions > li").filter(has_text=title)
        proposal.get_by_label(re.compile("Avis du COTECH")).fill(summary)
        proposal.get_by_role("button", name=re.compile("Inscrire à l'ordre du jour")).click()
        expect_flash(page, "Point ajouté à l'ordre du jour.")
    items = page.locator("li.point")
    expect(items).to_have_count(2)
    # The member of the schemes' organisation is recused from both, automatically.
    for index in range(2):
        expect(items.nth(index)).to_contain_text(
            "Déportés : Prefecture (membre de « Ville de Fort-de-France »"
        )
    # Chantiers jeunes first: moved up.
    items.nth(1).get_by_role("button", name=re.compile("^Monter")).click()
    expect_flash(page, "Ordre du jour modifié.")
    expect(page.locator("li.point h3").first).to_contain_text("Chantiers jeunes")
    assert_page_is_sound(page, "seance-prevue")


def convene(page: Page) -> None:
    fire(page, "convene", "Convoquer")
    expect_flash(page, "« Convoquer » effectué : la séance est maintenant convoquée.")
    expect_state(page, "convoquée")
    expect(
        page.get_by_role("button", name=re.compile("^Retirer de l'ordre du jour"))
    ).to_have_count(0)
    expect(page.locator(".prochaine-etape")).to_contain_text("2 membres sans présence relevée.")


def record_attendance(page: Page) -> None:
    for name in ("Copil", "Prefecture"):
        page.get_by_label(f"Présence de {name}", exact=True).select_option(label="présent")
        page.get_by_role("button", name=f"Enregistrer la présence — {name}").click()
        expect_flash(page, "Présence enregistrée.")
    members = page.get_by_role("region", name="Membres convoqués")
    expect(members).to_contain_text("Copil — présent")
    expect(members).to_contain_text("Prefecture — présent")
    expect(page.locator("main dl")).to_contain_text(
        "quorum atteint : 2 membres présents ou représentés sur 2"
    )
    # Without the recused member, one member takes part in each item, and is there.
    expect(page.locator("li.point").first).to_contain_text(
        "quorum atteint : 1 membre présent ou représenté sur 1"
    )


def record_decisions(page: Page) -> None:
    chantiers = page.locator("li.point").filter(has_text="Chantiers jeunes")
    chantiers.get_by_label("renvoyer au COTECH").check()
    chantiers.get_by_label("Commentaire", exact=True).fill("Préciser le budget et les publics.")
    chantiers.get_by_role("button", name="Enregistrer la décision").click()
    expect_flash(page, "Décision enregistrée.")

    mediateurs = page.locator("li.point").filter(has_text="Médiateurs de nuit")
    mediateurs.get_by_label("approuver").check()
    mediateurs.get_by_label("Conditions").fill("Bilan à un an.")
    mediateurs.get_by_label("Pour", exact=True).fill("1")
    mediateurs.get_by_label("Contre", exact=True).fill("0")
    mediateurs.get_by_label("Abstention", exact=True).fill("0")
    mediateurs.get_by_role("button", name="Enregistrer la décision").click()
    expect_flash(page, "Décision enregistrée.")
    mediateurs = page.locator("li.point").filter(has_text="Médiateurs de nuit")
    expect(mediateurs).to_contain_text(
        "COPIL-2027-01/D02 : approuver — pour 1, contre 0, abstention 0"
    )
    expect(page.locator(".prochaine-etape")).not_to_contain_text("sans décision")


def dry_run_and_close(page: Page) -> None:
    page.get_by_role("link", name="Clôturer la séance").click()
    expect(page).to_have_url(re.compile(r"/seances/\d+/cloture$"))
    expect(page.locator("main")).to_contain_text("Essai à blanc")
    expect(page.locator(".rapport-cloture > li .applique")).to_have_count(2)
    assert_page_is_sound(page, "seance-cloture")
    page.get_by_role("button", name="Confirmer la clôture").click()

    expect(page).to_have_url(re.compile(r"/seances/\d+$"))
    expect_flash(page, "Séance COPIL-2027-01 clôturée : 2 décisions appliquées.")
    expect_state(page, "tenue")
    assert_page_is_sound(page, "seance-tenue")


def edit_and_approve_the_minutes(page: Page) -> None:
    page.get_by_role("link", name="Procès-verbal", exact=True).click()
    expect(page).to_have_url(re.compile(r"/seances/\d+/proces-verbal$"))
    text = page.get_by_label("Texte", exact=True)
    expect(text).to_have_value(re.compile("COPIL-2027-01/D02"))
    assert_page_is_sound(page, "seance-proces-verbal")
    text.fill(text.input_value() + "\nLa séance est levée à 11 h 40.")
    page.get_by_role("button", name="Enregistrer le texte").click()
    expect_flash(page, "Le procès-verbal a été enregistré.")
    expect(page.get_by_label("Texte", exact=True)).to_have_value(re.compile("levée à 11 h 40"))

    page.get_by_role("button", name="Approuver le procès-verbal").click()
    expect_flash(page, "Le procès-verbal est approuvé : son empreinte est inscrite au journal.")
    expect_state(page, "procès-verbal approuvé")
    expect(page.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    expect(page.get_by_label("Texte", exact=True)).to_have_count(0)

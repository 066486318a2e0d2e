"""A scheme's whole life, then a pooling's, played by the people who do it, each in their own
browser: what every page shows them at every step (state, actions offered and refused with
their reasons, messages, timeline)."""

import re

import pytest
from playwright.sync_api import Page, expect

from engine.services.common import RecordRef
from tests.browser.record_page import (
    actions,
    expect_flash,
    expect_latest_event,
    expect_offered,
    expect_refused,
    expect_state,
    fire,
    timeline_entries,
)

pytestmark = pytest.mark.slow

SCHEME_TITLE = "Médiation familiale au Lamentin"
MISSING_FOR_SUBMISSION = [
    "Résumé",
    "Description",
    "Thématiques",
    "Publics cibles",
    "Nature de l'aide",
    "Territoire couvert",
    "Date de début",
    "Critères d'éligibilité",
    # One of the two is enough; the panel's sentence says so.
    "Courriel de contact",
    "Téléphone de contact",
]


IN_SESSION = re.compile(r"À décider en séance \(approuver, renvoyer au COTECH, ne pas retenir\)")
TO_AGENDA = "à inscrire à l'ordre du jour d'une prochaine séance"


def test_a_scheme_from_draft_to_approval(world, as_user) -> None:
    owner = as_user("owner")
    scheme_url = create_draft(owner)
    complete_and_submit(owner)

    cotech = as_user("cotech")
    request_changes(cotech, scheme_url)

    owner.goto(scheme_url)
    expect_state(owner, "à compléter")
    expect_latest_event(owner, "Demander des compléments", "Cotech", "Précisez le budget annuel.")
    add_budget_and_resubmit(owner)

    # The rule bars only who submitted (the owner): the member who asked for changes may review.
    cotech.goto(scheme_url)
    expect_offered(cotech, "Demander des compléments", "Valider l'examen", "Ne pas retenir")

    cotech2 = as_user("cotech2")
    review_and_propose(cotech2, scheme_url)

    copil = as_user("copil")
    approve(world, copil, scheme_url)

    owner.goto(scheme_url)
    expect_state(owner, "approuvé par le COPIL")
    expect(owner.get_by_role("link", name="Modifier la fiche")).to_have_count(0)


def create_draft(owner: Page) -> str:
    """A draft needs only its title: its page then lists what submitting still lacks."""
    owner.goto("/dispositifs")
    owner.get_by_role("link", name="Nouveau dispositif").click()
    expect(owner).to_have_url(re.compile(r"/dispositifs/nouveau$"))
    owner.get_by_label("Intitulé").fill(SCHEME_TITLE)
    owner.get_by_role("button", name="Enregistrer le brouillon").click()

    # The new draft opens in its form, to be completed now or later.
    expect(owner).to_have_url(re.compile(r"/dispositifs/\d+/modifier$"))
    expect(owner.locator("main .message").first).to_contain_text(
        re.compile(r"Brouillon DSP-\d{4}-\d+ enregistré")
    )
    owner.get_by_role("link", name=re.compile("Revenir à la fiche")).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(SCHEME_TITLE)
    expect_state(owner, "brouillon")
    expect_offered(owner, "Retirer")
    refused = expect_refused(owner, "Soumettre")
    expect(refused.locator("ul li")).to_have_text(MISSING_FOR_SUBMISSION)
    expect_latest_event(owner, "Création", "Owner")
    return owner.url


def complete_and_submit(owner: Page) -> None:
    owner.get_by_role("link", name="Modifier la fiche").click()
    owner.get_by_label("Résumé").fill("Un médiateur familial reçoit les parents en conflit.")
    owner.get_by_label("Description").fill(
        "Des permanences hebdomadaires de médiation familiale, gratuites, au centre social."
    )
    owner.get_by_role("checkbox", name="soutien à la parentalité", exact=True).check()
    owner.get_by_role("checkbox", name="familles et parents", exact=True).check()
    owner.get_by_role("checkbox", name="médiation", exact=True).check()
    owner.get_by_role("checkbox", name="Le Lamentin", exact=True).check()
    owner.get_by_label("Critères d'éligibilité").fill("Parents résidant au Lamentin.")
    owner.get_by_label("Date de début").fill("15/01/2025")
    owner.get_by_label("Courriel du contact").fill("mediation@lamentin.example")
    owner.get_by_role("button", name="Enregistrer les modifications").click()

    expect_flash(owner, "Modifications enregistrées.")
    expect_state(owner, "brouillon")
    expect_offered(owner, "Soumettre", "Retirer")
    expect_latest_event(owner, "Modification", "Résumé", "Date de début", "15/01/2025")

    fire(owner, "submit", "Soumettre")
    expect_flash(owner, "« Soumettre » effectué : le dispositif est maintenant enregistré.")
    expect_state(owner, "enregistré")
    expect_offered(owner, "Retirer")
    expect(owner.get_by_role("link", name="Modifier la fiche")).to_have_count(0)
    expect_latest_event(owner, "Soumettre", "brouillon → enregistré", "Owner")


def request_changes(cotech: Page, scheme_url: str) -> None:
    cotech.goto("/a-traiter")
    row = cotech.get_by_role("row").filter(has=cotech.get_by_role("link", name=SCHEME_TITLE))
    expect(row).to_contain_text("Enregistré")
    row.get_by_role("link", name=SCHEME_TITLE).click()
    expect(cotech).to_have_url(scheme_url)
    expect_state(cotech, "enregistré")
    expect_offered(cotech, "Demander des compléments", "Valider l'examen", "Ne pas retenir")
    expect_refused(cotech, "Retirer")

    fire(
        cotech,
        "request_changes",
        "Demander des compléments",
        Commentaire="Précisez le budget annuel.",
    )
    expect_flash(
        cotech, "« Demander des compléments » effectué : le dispositif est maintenant à compléter."
    )
    expect_state(cotech, "à compléter")
    expect_offered(cotech)
    expect_latest_event(cotech, "enregistré → à compléter", "Précisez le budget annuel.")


def add_budget_and_resubmit(owner: Page) -> None:
    owner.get_by_role("link", name="Modifier la fiche").click()
    owner.get_by_label("Budget annuel (€)").fill("12 500,50 €")
    owner.get_by_role("button", name="Enregistrer les modifications").click()
    expect(owner.locator("main")).to_contain_text("12 500,50 €")
    expect_latest_event(owner, "Modification", "Budget annuel", "12 500,50 €")

    fire(owner, "submit", "Soumettre")
    expect_state(owner, "enregistré")
    expect_latest_event(owner, "Soumettre", "à compléter → enregistré")


def review_and_propose(cotech2: Page, scheme_url: str) -> None:
    cotech2.goto(scheme_url)
    fire(cotech2, "review", "Valider l'examen")
    expect_flash(
        cotech2,
        "« Valider l'examen » effectué : le dispositif est maintenant examiné par le COTECH.",
    )
    expect_state(cotech2, "examiné par le COTECH")
    expect_offered(cotech2, "Demander des compléments", "Proposer au COPIL", "Ne pas retenir")

    fire(cotech2, "propose", "Proposer au COPIL", **{"Date de COPIL visée": "09/12/2026"})
    expect_state(cotech2, "proposé au COPIL")
    expect_offered(cotech2)
    expect(actions(cotech2)).to_contain_text(IN_SESSION)
    expect_latest_event(cotech2, "Proposer au COPIL", "Cotech2", "09/12/2026")


def record_of(kind: str, url: str) -> RecordRef:
    return RecordRef(kind, int(re.search(r"/(\d+)$", url).group(1)))


def approve(world, copil: Page, scheme_url: str) -> None:
    """A COPIL member has no button: the page says the committee decides it in session. A
    meeting approves it (a whole meeting in the browser is test_browser_meeting's)."""
    copil.goto(scheme_url)
    expect_offered(copil)
    expect(actions(copil)).to_contain_text(IN_SESSION)
    expect(actions(copil)).to_contain_text(TO_AGENDA)
    decision = world.decide(record_of("scheme", scheme_url))
    copil.reload()
    expect_state(copil, "approuvé par le COPIL")
    expect(copil.get_by_role("region", name="Actions possibles")).to_contain_text("état définitif")
    expect_latest_event(copil, "Approuver", "proposé au COPIL → approuvé par le COPIL", decision)
    expect(timeline_entries(copil).locator(".evenement-titre strong")).to_have_text(
        [
            "Approuver",
            "Proposer au COPIL",
            "Valider l'examen",
            "Soumettre",
            "Modification",
            "Demander des compléments",
            "Soumettre",
            "Modification",
            "Création",
        ]
    )


POOLING_TITLE = "Un été éducatif commun à Fort-de-France"


def test_a_pooling_from_the_inventory_to_approval(world, as_user) -> None:
    world.scheme("reviewed", title="Chantiers éducatifs d'été", annual_budget="96000")
    world.scheme("reviewed", title="Animateurs de rue l'été", annual_budget="58000.50")
    world.scheme("recorded", title="Café des parents au collège")

    cotech = as_user("cotech")
    pooling_url = create_pooling(cotech)

    cotech2 = as_user("cotech2")
    cotech2.goto(pooling_url)
    expect_offered(cotech2, "Valider l'examen", "Abandonner")
    fire(cotech2, "review", "Valider l'examen")
    expect_flash(
        cotech2,
        "« Valider l'examen » effectué : la mutualisation est maintenant examinée par le COTECH.",
    )
    expect_state(cotech2, "examinée par le COTECH")
    fire(cotech2, "propose", "Proposer au COPIL")
    expect_state(cotech2, "proposée au COPIL")
    expect_offered(cotech2)

    copil = as_user("copil")
    approve_pooling(world, copil, pooling_url)


def create_pooling(cotech: Page) -> str:
    """Tick two reviewed schemes in the inventory; a recorded one offers no box."""
    cotech.goto("/dispositifs")
    for title in ("Chantiers éducatifs d'été", "Animateurs de rue l'été"):
        cotech.get_by_role("row").filter(has_text=title).get_by_role("checkbox").check()
    recorded = cotech.get_by_role("row").filter(has_text="Café des parents au collège")
    expect(recorded.get_by_role("checkbox")).to_have_count(0)
    cotech.get_by_role("button", name="Proposer une mutualisation des dispositifs cochés").click()

    expect(cotech).to_have_url(re.compile(r"/mutualisations/nouvelle\?scheme_ids=\d+&scheme_ids="))
    members = cotech.get_by_role("group", name="Dispositifs membres").get_by_role("checkbox")
    expect(members).to_have_count(2)
    for member in members.all():
        expect(member).to_be_checked()
    cotech.get_by_label("Intitulé").fill(POOLING_TITLE)
    cotech.get_by_label("Justification").fill("Les deux équipes suivent les mêmes jeunes l'été.")
    cotech.get_by_label("Type de mutualisation").select_option(label="Fusion")
    cotech.get_by_label("Structure pilote").select_option(label="Ville de Fort-de-France")
    cotech.get_by_label("Économies attendues (€)").fill("4 000,50 €")
    cotech.get_by_label("Date cible").fill("30/06/2027")
    cotech.get_by_role("button", name="Enregistrer la mutualisation").click()

    expect(cotech).to_have_url(re.compile(r"/mutualisations/\d+$"))
    expect(cotech.locator("main .message").first).to_contain_text(
        re.compile(r"Mutualisation \S+ enregistrée\.")
    )
    expect(cotech.get_by_role("heading", level=1)).to_have_text(POOLING_TITLE)
    expect_state(cotech, "enregistrée")
    fiche = cotech.locator("dl.fiche")
    expect(fiche).to_contain_text("4 000,50 €")
    expect(fiche).to_contain_text("30/06/2027")
    expect(cotech.locator("td.total-budgets")).to_have_text("154 000,50 €")
    # Four eyes: who created it may abandon it, not review it.
    expect_offered(cotech, "Abandonner")
    expect_refused(cotech, "Valider l'examen", "Vous avez créé cette mutualisation")
    expect_latest_event(cotech, "Création", "Cotech")
    return cotech.url


def approve_pooling(world, copil: Page, pooling_url: str) -> None:
    copil.goto(pooling_url)
    expect_offered(copil)
    expect(actions(copil)).to_contain_text("À décider en séance (approuver, renvoyer au COTECH")
    decision = world.decide(record_of("pooling", pooling_url))
    copil.reload()
    expect_state(copil, "approuvée par le COPIL")
    expect(copil.locator("dl.fiche")).to_contain_text(decision)
    # Every member is now linked to the approved pooling, and says so on its own page.
    expect(copil.get_by_text("Rattaché à cette mutualisation")).to_have_count(2)
    copil.get_by_role("link", name=re.compile(r"^DSP-")).first.click()
    expect(timeline_entries(copil).first).to_contain_text("Rattachement à une mutualisation")

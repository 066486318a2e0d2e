"""A scheme's whole life, then a pooling's, played by the people who do it, each in their own
browser: what every page shows them at every step (state, actions offered and refused with
their reasons, messages, timeline)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.record_page import (
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


def test_a_scheme_from_draft_to_approval(as_user) -> None:
    owner = as_user("owner")
    scheme_url = create_draft(owner)
    complete_and_submit(owner)

    cotech = as_user("cotech")
    request_changes(cotech, scheme_url)

    owner.goto(scheme_url)
    expect_state(owner, "à compléter")
    expect_latest_event(owner, "Demander des compléments", "Cotech", "Précisez le budget annuel.")
    add_budget_and_resubmit(owner)

    cotech2 = as_user("cotech2")
    review_and_propose(cotech2, scheme_url)

    copil = as_user("copil")
    approve(copil, scheme_url)

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
    expect_refused(cotech2, "Approuver")
    expect_latest_event(cotech2, "Proposer au COPIL", "Cotech2", "09/12/2026")


def approve(copil: Page, scheme_url: str) -> None:
    copil.goto(scheme_url)
    expect_offered(copil, "Approuver", "Renvoyer au COTECH", "Ne pas retenir")
    decision = "COPIL du 09/12/2026, décision n°3"
    fire(copil, "approve", "Approuver", **{"Référence de la décision": decision})
    expect_flash(
        copil, "« Approuver » effectué : le dispositif est maintenant approuvé par le COPIL."
    )
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

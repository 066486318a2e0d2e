"""Every main page, on a desktop and on a 375 px phone: it answers, axe-core finds no serious
violation, nothing scrolls sideways, its main action is on screen; a screenshot of each.

The screenshots go to $MAILLAGE_SCREENSHOTS (default artifacts/screenshots/), named
`<page>-<width>.png`; docs/ui.md shows a chosen set of them, copied into docs/images/ui/.
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import assert_page_is_sound
from tests.browser.conftest import DESKTOP, PHONE, Visitors
from tests.browser.showcase import Showcase, seed


@dataclass(frozen=True)
class Tour:
    """One page of the tour: who looks at it, where, and the action that must stay reachable."""

    name: str
    user: str | None
    path: str
    action: tuple[str, str] | None = None  # (ARIA role, accessible name)
    status: int = 200

    def url(self, showcase: Showcase) -> str:
        return self.path.format(
            scheme=showcase.schemes["chantiers"].id,
            draft=showcase.schemes["brouillon"].id,
            member_a=showcase.schemes["chantiers"].id,
            member_b=showcase.schemes["animateurs"].id,
            pooling=showcase.pooling.id,
            approved=showcase.schemes["mediateurs"].id,
            objective=showcase.objective,
        )


PAGES = [
    Tour("connexion", None, "/connexion", ("button", "Se connecter")),
    Tour("mot-de-passe-oublie", None, "/mot-de-passe-oublie", ("button", "Recevoir un lien")),
    Tour("mot-de-passe-lien-perime", None, "/mot-de-passe/lien-perime", status=410),
    Tour("a-traiter", "cotech", "/a-traiter"),
    Tour(
        "dispositifs",
        "cotech",
        "/dispositifs",
        ("button", "Proposer une mutualisation des dispositifs cochés"),
    ),
    Tour("dispositifs-porteur", "owner", "/dispositifs", ("link", "Nouveau dispositif")),
    Tour(
        "dispositif-nouveau",
        "owner",
        "/dispositifs/nouveau",
        ("button", "Enregistrer le brouillon"),
    ),
    Tour(
        "dispositif-modifier",
        "owner",
        "/dispositifs/{draft}/modifier",
        ("button", "Enregistrer les modifications"),
    ),
    Tour("dispositif", "cotech", "/dispositifs/{scheme}", ("button", "Proposer au COPIL")),
    Tour("mutualisations", "cotech", "/mutualisations", ("button", "Filtrer")),
    Tour(
        "mutualisation-nouvelle",
        "cotech",
        "/mutualisations/nouvelle?scheme_ids={member_a}&scheme_ids={member_b}",
        ("button", "Enregistrer la mutualisation"),
    ),
    Tour("mutualisation", "cotech", "/mutualisations/{pooling}", ("button", "Proposer au COPIL")),
    Tour("tableau-de-bord", "copil", "/tableau-de-bord"),
    Tour("diagnostic", "cotech", "/diagnostic", ("button", "Afficher")),
    Tour("diagnostic-import", "cotech", "/diagnostic/import", ("button", "Vérifier le fichier")),
    Tour("pistes-de-mutualisation", "cotech", "/pistes-de-mutualisation"),
    Tour("objectifs", "copil", "/objectifs", ("link", "Nouvel objectif")),
    Tour("objectif-nouveau", "copil", "/objectifs/nouveau", ("button", "Enregistrer")),
    Tour("objectif", "copil", "/objectifs/{objective}", ("button", "Adopter")),
    Tour("objectifs-avancement", "cotech", "/objectifs/avancement"),
    Tour("workflows", "owner", "/workflows"),
    Tour("journal", "admin", "/journal", ("button", "Filtrer")),
    Tour("administration", "admin", "/administration"),
    Tour(
        "administration-utilisateurs",
        "admin",
        "/administration/utilisateurs",
        ("button", "Créer le compte"),
    ),
    Tour("administration-structures", "admin", "/administration/structures"),
    Tour("administration-vocabulaires", "admin", "/administration/vocabulaires"),
    Tour("administration-import", "admin", "/administration/import", ("button", "Voir l'aperçu")),
    Tour("compte", "owner", "/compte"),
    Tour("catalogue", None, "/catalogue?commune=97209", ("button", "Rechercher")),
    Tour("catalogue-dispositif", None, "/catalogue/{approved}", ("link", "Tous les dispositifs")),
    Tour("page-introuvable", "owner", "/dispositifs/999999", status=404),
    Tour("action-non-permise", "owner", "/journal", status=403),
]


@pytest.mark.slow
@pytest.mark.parametrize("tour", PAGES, ids=[tour.name for tour in PAGES])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_page(tour: Tour, viewport: dict, world, visitors: Visitors) -> None:
    showcase = seed(world)
    if tour.user is None:
        page = visitors.anonymous(viewport)
    else:
        page = visitors.signed_in(tour.user, viewport)
    response = page.goto(tour.url(showcase))
    assert response is not None, tour.path
    assert response.status == tour.status, f"{tour.path}: {response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_page_is_sound(page, tour.name)
    if tour.action:
        assert_reachable(page, *tour.action)


def assert_reachable(page: Page, role: str, name: str) -> None:
    """The action is there and, once scrolled to, fully on screen (not cut off on the right)."""
    action = page.get_by_role(role, name=name, exact=True).first
    action.scroll_into_view_if_needed()
    expect(action).to_be_in_viewport(ratio=1)


@pytest.mark.slow
def test_catalogue_by_keyboard(world, visitors: Visitors) -> None:
    """A visitor searches the public catalogue and opens a scheme with the keyboard alone."""
    seed(world)
    page = visitors.anonymous(PHONE)
    page.goto("/catalogue")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.get_by_label("Mots recherchés").focus()
    page.keyboard.type("mediateurs")
    page.keyboard.press("Enter")
    page.wait_for_url("**/catalogue?q=mediateurs**")
    result = page.get_by_role(
        "link", name="Médiateurs de nuit dans les quartiers de Fort-de-France"
    )
    for _ in range(30):
        if result.evaluate("link => link === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Médiateurs de nuit dans les quartiers de Fort-de-France"
    )

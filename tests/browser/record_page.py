"""What a user reads and does on a record page (scheme or pooling), in the page's own words.

The page's contract (web/ui/records.py and ui/record/*.html): the state as a `.badge` beside the
title, one small form `#action-<transition>` per action the user may take, the others listed
under "Actions non disponibles pour vous" with their reasons, the timeline under "Historique".
"""

import re

from playwright.sync_api import Locator, Page, expect


def state_badge(page: Page) -> Locator:
    return page.locator("main .badge").first


def expect_state(page: Page, label: str) -> None:
    expect(state_badge(page)).to_have_text(label)


def actions(page: Page) -> Locator:
    return page.get_by_role("region", name="Actions possibles")


def expect_offered(page: Page, *buttons: str) -> None:
    """Exactly these actions are offered, as buttons of the actions panel."""
    offered = actions(page).locator("form.transition").get_by_role("button")
    expect(offered).to_have_text(list(buttons))


def refusals(page: Page) -> Locator:
    return actions(page).locator("ul.raisons > li")


def expect_refused(page: Page, action: str, *reasons: str) -> Locator:
    """The action is listed as not open to the user, with each of these reasons."""
    item = refusals(page).filter(has=page.locator("strong", has_text=re.compile(f"^{action}$")))
    expect(item).to_have_count(1)
    for reason in reasons:
        expect(item).to_contain_text(reason)
    return item


def fire(page: Page, transition: str, button: str, **inputs: str) -> None:
    """Fill the inputs of an action's form (by their French labels) and press its button."""
    form = page.locator(f"#action-{transition}")
    for label, value in inputs.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button, exact=True).click()


def expect_flash(page: Page, text: str) -> None:
    expect(page.locator("main .message").first).to_have_text(text)


def timeline_entries(page: Page) -> Locator:
    return page.get_by_role("region", name="Historique").locator("li.evenement")


def expect_latest_event(page: Page, *texts: str) -> None:
    """The newest entry of the timeline mentions each of these texts."""
    latest = timeline_entries(page).first
    for text in texts:
        expect(latest).to_contain_text(text)

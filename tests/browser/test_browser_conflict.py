"""Two COTECH members on the same scheme page: the second to act, on a stale page, is told who
changed it and when, and keeps what they typed."""

import re

from playwright.sync_api import Page, expect

from tests.browser.checks import assert_page_is_sound
from tests.browser.record_page import expect_flash, expect_latest_event, expect_state, fire

COMMENT = "Merci de joindre le bilan 2025 et le budget détaillé."
# The engine's Conflict names the user by email; their name would do as well.
BY_COTECH2 = r"Dernière modification par (Cotech2|cotech2@example\.mq) le \d\d/\d\d/\d{4} à"


def open_twice(world, as_user) -> tuple[Page, Page]:
    ref = world.scheme("recorded", title="Médiation scolaire au Robert")
    first, second = as_user("cotech"), as_user("cotech2")
    for page in (first, second):
        page.goto(f"/dispositifs/{ref.id}")
        expect_state(page, "enregistré")
    return first, second


def fire_stale(page: Page, transition: str, button: str, **inputs: str) -> int:
    """Fire from the page as it is (stale); return the HTTP status of the answer."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        fire(page, transition, button, **inputs)
    return answer.value.status


def test_a_stale_action_shows_who_changed_it_and_retries_with_the_comment(world, as_user) -> None:
    stale, quick = open_twice(world, as_user)
    fire(quick, "review", "Valider l'examen")
    expect_state(quick, "examiné par le COTECH")

    status = fire_stale(stale, "request_changes", "Demander des compléments", Commentaire=COMMENT)

    assert status == 409
    expect(stale.get_by_role("heading", level=1)).to_have_text("Conflit de modification")
    notice = stale.get_by_role("alert")
    expect(notice).to_contain_text(re.compile(BY_COTECH2))
    expect(notice).to_contain_text("État actuel : examiné par le COTECH.")
    expect(stale.locator("main")).to_contain_text("Valider l'examen")  # what changed since
    assert_page_is_sound(stale, "conflit")
    retry = stale.locator("#action-request_changes")
    expect(retry.get_by_label("Commentaire")).to_have_value(COMMENT)

    retry.get_by_role("button", name="Demander des compléments").click()
    expect_flash(
        stale, "« Demander des compléments » effectué : le dispositif est maintenant à compléter."
    )
    expect_latest_event(stale, "examiné par le COTECH → à compléter", "Cotech", COMMENT)


def test_an_action_no_longer_possible_keeps_the_comment_to_post(world, as_user) -> None:
    stale, quick = open_twice(world, as_user)
    fire(quick, "reject", "Ne pas retenir", Commentaire="Hors du champ du contrat.")
    expect_state(quick, "non retenu")

    status = fire_stale(stale, "request_changes", "Demander des compléments", Commentaire=COMMENT)

    assert status == 409
    expect(stale.get_by_role("alert")).to_contain_text(re.compile(BY_COTECH2))
    expect(stale.get_by_role("heading", name="Votre action n'est plus possible")).to_be_visible()
    kept = stale.get_by_label(re.compile("Votre commentaire, conservé"))
    expect(kept).to_have_value(COMMENT)

    stale.get_by_role("button", name="Publier le commentaire").click()
    expect_flash(stale, "Commentaire ajouté.")
    expect_state(stale, "non retenu")
    expect_latest_event(stale, "Commentaire", "Cotech", COMMENT)

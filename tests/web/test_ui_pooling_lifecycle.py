"""A pooling's whole life through its page: four eyes, the COPIL's decision in session, stale
pages."""

import re
from html import unescape

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import Pooling, Scheme


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def version_on(page) -> str:
    return re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True)).group(1)


def seen_on(page) -> str:
    return re.search(r'name="seen" value="(\d+)"', page.get_data(as_text=True)).group(1)


def fire(browser, pooling_id: int, name: str, **inputs):
    """Open the pooling's page, then send transition `name` from it as the user would."""
    page = browser.get(f"/mutualisations/{pooling_id}")
    assert page.status_code == 200
    data = {"version": version_on(page), "seen": seen_on(page), **inputs}
    return browser.post(f"/mutualisations/{pooling_id}/transitions/{name}", data)


def decide_alone(browser, world, pooling_id: int, name: str, **inputs):
    """Post a COPIL decision as one member would by hand: the page offers no form for it."""
    with UnitOfWork(world.db) as uow:
        version = uow.session.get(Pooling, pooling_id).version
    data = {"version": str(version), **inputs}
    return browser.post(f"/mutualisations/{pooling_id}/transitions/{name}", data)


def state_of(world, pooling_id: int) -> str:
    with UnitOfWork(world.db) as uow:
        return uow.session.get(Pooling, pooling_id).state


def test_a_pooling_from_creation_to_the_copil_decision(ui, world):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    pooling = world.pooling("recorded", members=members, author="cotech")
    author, reviewer, copil = ui("cotech"), ui("cotech2"), ui("copil")

    page = text_of(author.get(f"/mutualisations/{pooling.id}"))
    assert "un autre membre du COTECH doit l'examiner" in page
    refused = fire(author, pooling.id, "review")
    assert refused.status_code == 403 and state_of(world, pooling.id) == "recorded"

    response = fire(reviewer, pooling.id, "review")
    assert response.status_code == 303
    followed = text_of(reviewer.get(response.headers["Location"]))
    assert "« Valider l'examen » effectué : la mutualisation est maintenant examinée" in followed

    assert fire(reviewer, pooling.id, "propose").status_code == 303
    assert state_of(world, pooling.id) == "proposed"

    page = text_of(copil.get(f"/mutualisations/{pooling.id}"))
    assert 'id="action-approve"' not in page
    assert "à inscrire à l'ordre du jour d'une prochaine séance" in page
    alone = decide_alone(
        copil, world, pooling.id, "approve", decision_reference="COPIL du 09/12/2026, n°4"
    )
    assert alone.status_code == 403 and state_of(world, pooling.id) == "proposed"
    assert "« approuver » ne se fait qu'en séance" in text_of(alone)
    number = world.decide(pooling, "approve")
    assert state_of(world, pooling.id) == "approved"

    page = text_of(copil.get(f"/mutualisations/{pooling.id}"))
    assert number in page
    assert page.count("Rattaché à cette mutualisation") == 2
    assert 'class="etat etat-final etat-courant" data-etat="approved"' in page
    with UnitOfWork(world.db) as uow:
        linked = uow.session.scalars(
            select(Scheme.pooling_id).where(Scheme.id.in_([m.id for m in members]))
        )
        assert set(linked) == {pooling.id}


def test_the_copil_sends_back_in_session_only_and_owners_see_no_action(ui, world):
    pooling = world.pooling("reviewed")
    world.fire(pooling, "propose", "cotech")
    copil = ui("copil")
    alone = decide_alone(copil, world, pooling.id, "send_back", comment="Précisez les économies.")
    assert alone.status_code == 403 and "ne se fait qu'en séance" in text_of(alone)
    assert state_of(world, pooling.id) == "proposed"
    world.decide(pooling, "send_back", comment="Précisez les économies.")
    assert state_of(world, pooling.id) == "recorded"
    page = text_of(ui("owner").get(f"/mutualisations/{pooling.id}"))
    assert 'id="action-' not in page


def test_a_transition_sent_from_a_stale_page_gives_the_conflict_page(ui, world):
    pooling = world.pooling("reviewed")
    cotech = ui("cotech")
    stale = cotech.get(f"/mutualisations/{pooling.id}")
    # Meanwhile it is proposed, and the COPIL in session sends it back: its secretary closed
    # the meeting.
    world.fire(pooling, "propose", "cotech2")
    world.decide(pooling, "send_back", comment="Revoir le budget.")
    response = cotech.post(
        f"/mutualisations/{pooling.id}/transitions/withdraw",
        {"version": version_on(stale), "seen": seen_on(stale), "comment": "Hors du contrat."},
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Hors du contrat." in text
    assert "secretariat@example.mq" in text.lower()
    assert state_of(world, pooling.id) == "recorded"


def test_a_comment_on_a_pooling(ui, world):
    pooling = world.pooling("recorded")
    browser = ui("copil")
    response = browser.post(
        f"/mutualisations/{pooling.id}/commentaires", {"body": "Bonne idée pour le sud."}
    )
    assert response.status_code == 303
    assert "Bonne idée pour le sud." in text_of(browser.get(f"/mutualisations/{pooling.id}"))

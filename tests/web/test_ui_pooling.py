"""Pooling pages: the list, creation from a selection of schemes, the page with its totals."""

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.models import Pooling, Scheme


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def count_poolings(world) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(Pooling))


def reference_of(world, ref) -> str:
    with UnitOfWork(world.db) as uow:
        model = Scheme if ref.kind == "scheme" else Pooling
        return uow.session.get(model, ref.id).reference


def creation_form(world, members, **fields) -> dict:
    return {
        "scheme_ids": [str(m.id) for m in members],
        "title": "Médiation mutualisée du centre",
        "rationale": "Les deux dispositifs couvrent les mêmes quartiers.",
        "kind": "fusion",
        "lead_organisation_id": str(world.organisation_id),
        "expected_budget": "25 000,50 €",
        "expected_savings": "3 000",
        "target_date": "15/03/2027",
        **fields,
    }


def test_anonymous_visitors_sign_in_first(browser):
    for path in ("/mutualisations", "/mutualisations/nouvelle", "/mutualisations/1"):
        response = browser.get(path)
        assert response.status_code == 302 and "/connexion?next=" in response.headers["Location"]


def test_the_list_shows_each_pooling_and_filters_by_state(ui, world):
    recorded = world.pooling("recorded")
    proposed = world.pooling("proposed")
    browser = ui("owner")
    text = text_of(browser.get("/mutualisations"))
    assert f'href="/mutualisations/{recorded.id}"' in text
    assert f'href="/mutualisations/{proposed.id}"' in text
    assert "Ville de Fort-de-France" in text and "proposée au COPIL" in text
    assert '<td class="nombre">2</td>' in text
    only = text_of(browser.get("/mutualisations?state=proposed"))
    assert f'href="/mutualisations/{proposed.id}"' in only
    assert f'href="/mutualisations/{recorded.id}"' not in only


def test_the_form_shows_the_selected_schemes_and_their_territories(ui, world):
    first, second = (
        world.scheme("reviewed", title="Médiation nord"),
        world.scheme("approved", title="Médiation sud"),
    )
    response = ui("cotech").get(
        f"/mutualisations/nouvelle?scheme_ids={first.id}&scheme_ids={second.id}"
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "Médiation nord" in text and "Médiation sud" in text
    assert 'value="COM-97209" data-epci="EPCI-249720061" checked' in text
    assert "ne peuvent pas faire partie" not in text


@pytest.mark.parametrize("user", ["owner", "copil", "admin"])
def test_only_cotech_members_may_create(ui, world, user):
    first, second = world.scheme("reviewed"), world.scheme("reviewed")
    browser = ui(user)
    assert browser.get(f"/mutualisations/nouvelle?scheme_ids={first.id}").status_code == 403
    response = browser.post("/mutualisations/nouvelle", creation_form(world, [first, second]))
    assert response.status_code == 403
    assert count_poolings(world) == 0


def test_creating_a_pooling_from_eligible_schemes(ui, world):
    first = world.scheme("reviewed", title="Médiation nord")
    second = world.scheme("proposed", title="Médiation sud")
    response = ui("cotech").post("/mutualisations/nouvelle", creation_form(world, [first, second]))
    assert response.status_code == 303
    with UnitOfWork(world.db) as uow:
        pooling = uow.session.scalars(select(Pooling)).one()
        assert pooling.state == "recorded"
        assert pooling.expected_budget == Decimal("25000.50")
        assert pooling.expected_savings == Decimal("3000.00")
        assert pooling.target_date.isoformat() == "2027-03-15"
        assert sorted(m.id for m in pooling.members) == sorted([first.id, second.id])
        assert [t.cog for t in pooling.territories] == ["COM-97209", "COM-97213"]
        assert response.headers["Location"].endswith(f"/mutualisations/{pooling.id}")


def test_a_draft_or_recorded_member_is_refused_with_a_message(ui, world):
    reviewed = world.scheme("reviewed", title="Médiation nord")
    recorded = world.scheme("recorded", title="Médiation encore en examen")
    draft = world.scheme("draft", title="Brouillon caché")
    browser = ui("cotech")
    text = text_of(
        browser.get(
            f"/mutualisations/nouvelle?scheme_ids={reviewed.id}&scheme_ids={recorded.id}"
            f"&scheme_ids={draft.id}"
        )
    )
    assert f"{reference_of(world, recorded)} (« Médiation encore en examen ») ne peut pas" in text
    assert f"Le dispositif n°{draft.id} est introuvable ou ne vous est pas accessible." in text
    assert "Brouillon caché" not in text
    assert "Il faut au moins deux dispositifs" in text
    response = browser.post(
        "/mutualisations/nouvelle", creation_form(world, [reviewed, recorded], title="Ma fusion")
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "n'est pas encore examiné par le COTECH" in text
    assert 'id="erreur-scheme_ids"' in text
    assert 'value="Ma fusion"' in text and 'value="25 000,50 €"' in text
    assert count_poolings(world) == 0


def test_bad_amounts_and_dates_are_shown_next_to_their_field(ui, world):
    first, second = world.scheme("reviewed"), world.scheme("reviewed")
    form = creation_form(world, [first, second], expected_budget="douze", target_date="31/02/2027")
    response = ui("cotech").post("/mutualisations/nouvelle", form)
    assert response.status_code == 422
    text = text_of(response)
    assert 'id="erreur-expected_budget"' in text and 'id="erreur-target_date"' in text
    assert 'value="douze"' in text and 'value="31/02/2027"' in text
    assert "Cette date n'existe pas : 31/02/2027." in text
    assert count_poolings(world) == 0


def test_a_missing_title_is_refused_by_the_engine_next_to_the_field(ui, world):
    first, second = world.scheme("reviewed"), world.scheme("reviewed")
    response = ui("cotech").post(
        "/mutualisations/nouvelle", creation_form(world, [first, second], title="")
    )
    assert response.status_code == 422
    assert 'id="erreur-title"' in text_of(response)
    assert count_poolings(world) == 0


def test_the_page_shows_members_totals_and_territories(ui, world):
    first = world.scheme("reviewed", title="Médiation nord", annual_budget="12500.50")
    second = world.scheme(
        "reviewed",
        title="Médiation sud",
        annual_budget="7500",
        territories=["EPCI-249720053"],
        funders=[{"name": "FIPD", "amount": "5000"}],
    )
    pooling = world.pooling("recorded", members=[first, second])
    response = ui("owner").get(f"/mutualisations/{pooling.id}")
    assert response.status_code == 200
    text = text_of(response)
    assert f'href="/dispositifs/{first.id}"' in text and f'href="/dispositifs/{second.id}"' in text
    total = re.search(r'class="nombre total-budgets">([^<]+)<', text).group(1)
    assert total == "20\u202f000,50\u00a0€"
    assert re.search(r'total-financeurs">([^<]+)<', text).group(1) == "5\u202f000,00\u00a0€"
    # Fort-de-France and Le Lamentin, plus the twelve communes of Espace Sud.
    assert "14 communes couvertes sur 34" in text
    assert "Fort-de-France, Le Lamentin" in text
    assert 'data-etat="recorded"' in text and "etat-courant" in text
    assert "Mutualiser la médiation" in text


def test_an_unknown_pooling_is_404(ui):
    assert ui("cotech").get("/mutualisations/999").status_code == 404

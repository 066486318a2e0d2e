"""The scheme form: drafts with only a title, French formats, errors next to their field."""

import re
from decimal import Decimal
from html import unescape

import pytest

from engine.db.uow import UnitOfWork
from engine.models import Scheme


@pytest.fixture
def ui(ui):
    """A signed-in browser holding the CSRF token of a page it has seen, as a person would."""

    def signed_in(key: str):
        browser = ui(key)
        browser.get("/compte")
        return browser

    return signed_in


def _schemes(world) -> list[Scheme]:
    with UnitOfWork(world.db) as uow:
        rows = uow.session.query(Scheme).order_by(Scheme.id).all()
        for row in rows:
            _ = (row.funders, row.territories)  # loaded before the session closes
        return rows


def _scheme(world, scheme_id: int) -> Scheme:
    with UnitOfWork(world.db) as uow:
        scheme = uow.session.get(Scheme, scheme_id)
        _ = (scheme.funders, scheme.territories, scheme.themes)
        return scheme


def _field(html: str, field_id: str) -> str:
    """The block of the form holding one field: its label, help, errors and input."""
    match = re.search(rf'<div class="champ[^"]*" id="champ-{field_id}">(.*?)</div>', html, re.S)
    assert match, f"no field {field_id}"
    return match.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    response = browser.get("/dispositifs/nouveau")
    assert response.status_code == 302
    assert "/connexion?next=/dispositifs/nouveau" in response.headers["Location"]


def test_the_form_shows_every_field_in_french(ui):
    html = unescape(ui("owner").get("/dispositifs/nouveau").get_data(as_text=True))
    for label in (
        "Intitulé",
        "Résumé",
        "Thématiques",
        "Publics cibles",
        "Nature de l'aide",
        "Territoire couvert",
        "Budget annuel (€)",
        "Financeurs",
        "Partenaires et co-porteurs",
        "Date de début",
        "Critères d'éligibilité",
        "Courriel du contact",
        "Toute la Martinique",
        "Toute l'intercommunalité",
        "Fort-de-France",
        "soutien à la parentalité",
        "Ajouter une ligne",
    ):
        assert label in html, label
    assert 'value="EPCI-249720061"' in html and 'value="DEP-972"' in html
    # The owner's organisation is fixed: no choice offered.
    assert "Ville de Fort-de-France" in html
    assert '<select id="organisation_id"' not in html


def test_a_draft_needs_only_a_title(world, ui):
    owner = ui("owner")
    response = owner.post("/dispositifs/nouveau", data={"title": "Médiation de nuit"})
    assert response.status_code == 303
    (scheme,) = _schemes(world)
    assert (scheme.title, scheme.state) == ("Médiation de nuit", "draft")
    assert scheme.organisation_id == world.organisation_id
    assert response.headers["Location"].endswith(f"/dispositifs/{scheme.id}/modifier")
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Brouillon {scheme.reference} enregistré" in page


def test_an_owner_cannot_create_for_another_organisation(world, ui):
    ui("owner").post(
        "/dispositifs/nouveau",
        data={"title": "Ailleurs", "organisation_id": str(world.other_organisation_id)},
    )
    (scheme,) = _schemes(world)
    assert scheme.organisation_id == world.organisation_id


def test_an_admin_chooses_the_organisation(world, ui):
    admin = ui("admin")
    html = admin.get("/dispositifs/nouveau").get_data(as_text=True)
    assert '<select id="organisation_id"' in html
    response = admin.post("/dispositifs/nouveau", data={"title": "Sans structure"})
    assert response.status_code == 422
    assert "Choisissez la structure" in _field(response.get_data(as_text=True), "organisation_id")
    response = admin.post(
        "/dispositifs/nouveau",
        data={"title": "Pour Horizon", "organisation_id": str(world.other_organisation_id)},
    )
    assert response.status_code == 303
    assert _schemes(world)[0].organisation_id == world.other_organisation_id


def test_committee_members_cannot_create(ui):
    assert ui("cotech").get("/dispositifs/nouveau").status_code == 403
    assert ui("copil").post("/dispositifs/nouveau", data={"title": "x"}).status_code == 403


def test_bad_date_amount_and_email_are_shown_next_to_their_field_and_nothing_is_saved(world, ui):
    typed = {
        "title": "Médiation de nuit",
        "summary": "Une phrase qui reste",
        "start_date": "32/13/2024",
        "annual_budget": "douze mille",
        "contact_email": "pas-une-adresse",
        "themes": ["soutien_parentalite"],
        "funders-0-name": "CAF",
        "funders-0-amount": "1 000,505",
        "funders-0-organisation_id": "",
    }
    response = ui("owner").post("/dispositifs/nouveau", data=typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "jj/mm/aaaa" in _field(html, "start_date")
    assert 'value="32/13/2024"' in _field(html, "start_date")
    assert "Montant attendu" in _field(html, "annual_budget")
    assert 'value="douze mille"' in _field(html, "annual_budget")
    assert "Adresse électronique invalide" in _field(html, "contact_email")
    assert 'value="pas-une-adresse"' in _field(html, "contact_email")
    assert 'value="Une phrase qui reste"' in html
    assert 'value="soutien_parentalite" checked' in html
    assert 'id="erreur-funders-0-amount"' in html and 'value="1 000,505"' in html
    assert "n'a pas été enregistré" in unescape(html)
    assert _schemes(world) == []


def test_a_french_amount_is_stored_exactly_and_shown_back_the_french_way(world, ui):
    ref = world.scheme("draft", complete=False)
    owner = ui("owner")
    response = owner.post(
        f"/dispositifs/{ref.id}/modifier",
        data={
            "version": str(_version(world, ref.id)),
            "title": "Médiation",
            "annual_budget": "12 500,50 €",
            "start_date": "15/03/2026",
            "funders-0-name": "Préfecture",
            "funders-0-amount": "10\u202f000",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    scheme = _scheme(world, ref.id)
    assert scheme.annual_budget == Decimal("12500.50")
    assert scheme.funders[0].amount == Decimal("10000.00")
    page = owner.get(f"/dispositifs/{ref.id}").get_data(as_text=True)
    assert "12\u202f500,50\u00a0€" in page
    assert "15/03/2026" in page
    form = owner.get(f"/dispositifs/{ref.id}/modifier").get_data(as_text=True)
    assert 'value="12 500,50"' in form and 'value="15/03/2026"' in form


def _version(world, scheme_id: int) -> int:
    return _scheme(world, scheme_id).version


def test_territory_shortcuts_keep_the_widest_area(world, ui):
    ref = world.scheme("draft", complete=False)
    ui("owner").post(
        f"/dispositifs/{ref.id}/modifier",
        data={
            "version": str(_version(world, ref.id)),
            "title": "Médiation",
            "territories": ["EPCI-249720061", "COM-97209", "COM-97230"],
        },
    )
    cogs = sorted(t.cog for t in _scheme(world, ref.id).territories)
    # Fort-de-France is in the CACEM, Le Vauclin is not.
    assert cogs == ["COM-97230", "EPCI-249720061"]


def test_a_funders_error_from_the_engine_lands_on_its_row(world, ui):
    ref = world.scheme("draft", complete=False)
    owner = ui("owner")
    data = {
        "version": str(_version(world, ref.id)),
        "title": "Médiation",
        "funders-0-name": "",
        "funders-0-amount": "",
        "funders-1-name": "",
        "funders-1-amount": "300",
    }
    response = owner.post(f"/dispositifs/{ref.id}/modifier", data=data)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert 'id="erreur-funders-1"' in html and "Indiquez une structure ou un nom" in html
    data = {**data, "funders-1-amount": "", "partners-0-name": "Relais", "partners-0-role": ""}
    response = owner.post(f"/dispositifs/{ref.id}/modifier", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="erreur-partners-0-role"' in html and 'value="Relais"' in html
    assert _scheme(world, ref.id).funders == []


def test_adding_a_row_keeps_what_was_typed_and_saves_nothing(world, ui):
    response = ui("owner").post(
        "/dispositifs/nouveau",
        data={
            "title": "Gardé",
            "partners-0-name": "A",
            "partners-1-name": "B",
            "partners-2-name": "C",
            "add_row": "partners",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="partners-3-name"' in html and 'value="C"' in html and 'value="Gardé"' in html
    assert _schemes(world) == []


def test_edit_of_another_organisations_draft_is_not_found(world, ui):
    ref = world.scheme("draft")
    assert ui("other_owner").get(f"/dispositifs/{ref.id}/modifier").status_code == 404


def test_owners_cannot_edit_a_recorded_scheme_but_cotech_can(world, ui):
    ref = world.scheme("recorded")
    response = ui("owner").get(f"/dispositifs/{ref.id}/modifier")
    assert response.status_code == 403
    assert "À l'état « enregistré », la modification est réservée" in unescape(
        response.get_data(as_text=True)
    )
    cotech = ui("cotech")
    assert cotech.get(f"/dispositifs/{ref.id}/modifier").status_code == 200
    response = cotech.post(
        f"/dispositifs/{ref.id}/modifier",
        data={
            "version": str(_version(world, ref.id)),
            "title": "Médiation corrigée",
            "summary": "Résumé",
            "description": "Description",
            "themes": ["mediation_tranquillite"],
            "publics": ["adolescents"],
            "aid_types": ["mediation"],
            "territories": ["COM-97209"],
            "start_date": "15/01/2024",
            "eligibility": "Jeunes",
            "contact_email": "mediation@example.mq",
        },
    )
    assert response.status_code == 303
    assert _scheme(world, ref.id).title == "Médiation corrigée"


def test_an_approved_scheme_cannot_be_edited(world, ui):
    ref = world.scheme("approved")
    response = ui("cotech").post(
        f"/dispositifs/{ref.id}/modifier", data={"version": "9", "title": "Non"}
    )
    assert response.status_code == 403
    assert _scheme(world, ref.id).title == "Médiation"


def test_a_stale_edit_shows_who_changed_it_and_keeps_the_input(world, ui):
    ref = world.scheme("draft", complete=False)
    owner = ui("owner")
    stale = _version(world, ref.id)
    owner.get(f"/dispositifs/{ref.id}/modifier")
    owner2 = ui("owner2")
    owner2.post(
        f"/dispositifs/{ref.id}/modifier",
        data={"version": str(stale), "title": "Médiation", "summary": "Par owner2"},
    )
    response = owner.post(
        f"/dispositifs/{ref.id}/modifier",
        data={"version": str(stale), "seen": "0", "title": "Mon titre à moi"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "owner2@example.mq" in html
    assert 'value="Mon titre à moi"' in html
    assert f'name="version" value="{stale + 1}"' in html
    assert "Par owner2" in html  # what changed since, from the timeline
    assert _scheme(world, ref.id).title == "Médiation"

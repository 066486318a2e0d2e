"""The time-in-state report page: who may read it, its filters, tables, charts and exports."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from engine.clock import local
from tests.integration.test_time_in_state import make_history


@pytest.fixture
def history(world, test_clock):
    return make_history(world, test_clock)


def test_only_cotech_copil_and_admins_read_the_report(ui, browser):
    assert browser.get("/rapports/delais").status_code == 302
    assert ui("owner").get("/rapports/delais").status_code == 403
    assert ui("owner").get("/rapports/delais/export?format=csv").status_code == 403
    for key in ("cotech", "copil", "admin"):
        assert ui(key).get("/rapports/delais").status_code == 200
    assert "/rapports/delais" in ui("copil").get("/tableau-de-bord").get_data(as_text=True)
    assert "/rapports/delais" not in ui("owner").get("/tableau-de-bord").get_data(as_text=True)


def test_the_page_shows_tables_and_accessible_charts(ui, history):
    html = ui("cotech").get("/rapports/delais").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">Enregistré</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td class=\"nombre\">([^<]*)</td>", row) == ["5", "2,0", "7,6", "1"]
    assert html.count("<svg") == 2 and '<title id="titre-etats">' in html
    assert "Enregistré : médiane 2,0 j, 90e centile 7,6 j." in html
    assert "4 dossiers décidés (approuvés ou non retenus) : médiane 3,0 jours" in html
    assert "8,2 jours" in html
    assert "Association Horizon Jeunesse" in html and "<script" not in html


def test_filters_stay_in_the_address_and_bad_ones_are_refused(ui, world, history):
    day = local(history).strftime("%d/%m/%Y")
    page = ui("cotech").get(f"/rapports/delais?du={day}&au={day}&organisation=")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Aucune décision sur cette période." in html
    assert f"export?format=csv&amp;du={day}&amp;au={day}" in html  # filters kept
    bad = ui("cotech").get("/rapports/delais?du=32/01/2026&au=hier&organisation=999&type=x")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for name in ("du", "au", "organisation", "type"):
        assert f'id="erreur-{name}"' in html
    assert 'value="hier"' in html


def test_exports_carry_what_is_shown(ui, world, history):
    who = ui("copil")
    response = who.get(f"/rapports/delais/export?format=csv&organisation={world.organisation_id}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Mesure", "État", "Organisation"]
    assert ["Séjour dans l'état", "Enregistré", "Toutes", "4", "1,5", "3,4", "1"] in rows
    lead = [
        "Délai de la soumission à la décision",
        "",
        "Ville de Fort-de-France",
        "3",
        "2,0",
        "3,6",
        "",
    ]
    assert lead in rows
    xlsx = who.client.get("/rapports/delais/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["Séjour dans l'état", "Enregistré", "Toutes", 5, 2.0, 7.6, 1] in values
    assert sheet["E2"].number_format == "0.0"
    assert who.get("/rapports/delais/export?format=pdf").status_code == 404
    assert who.get("/rapports/delais/export?format=csv&du=hier").status_code == 422

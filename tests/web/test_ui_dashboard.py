"""The dashboard page: counts linked to the list, weekly flow, coverage matrix."""

import re


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    assert browser.get("/tableau-de-bord").status_code == 302


def test_the_dashboard_links_counts_and_cells_to_the_filtered_list(world, ui):
    world.scheme("approved", title="A", territories=["COM-97209"])
    world.scheme("recorded", title="B", territories=["COM-97213"])
    html = ui("cotech").get("/tableau-de-bord").get_data(as_text=True)
    assert re.search(r'href="/dispositifs\?states=approved">1</a>', html)
    assert re.search(r'href="/dispositifs\?states=draft">0</a>', html)
    assert "Flux des douze dernières semaines" in html
    assert len(re.findall(r"<th scope=\"row\">\d\d/\d\d/\d{4}</th>", html)) == 12
    cell = "/dispositifs?territory=COM-97209&amp;themes=mediation_tranquillite&amp;states=approved"
    assert f'href="{cell}"' in html
    assert html.count('class="nombre vide"') == 34 * 13 - 2 - 2
    assert "CACEM" in html and "Fort-de-France" in html


def test_every_role_may_read_the_dashboard(ui):
    for key in ("owner", "copil", "admin"):
        assert ui(key).get("/tableau-de-bord").status_code == 200

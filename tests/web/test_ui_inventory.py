"""The inventory list page: search, filters, sort and pages in the URL, visibility, exports."""

import re
from datetime import UTC, datetime

import pytest

from engine.db.uow import UnitOfWork
from engine.services.common import RecordRef
from engine.services.records import edit_record

ROW = re.compile(r'<td class="reference">([^<]+)</td>')


def references(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return ROW.findall(response.get_data(as_text=True))


def ref_of(world, ref: RecordRef) -> str:
    with UnitOfWork(world.db) as uow:
        from engine.models import Scheme

        return uow.session.get(Scheme, ref.id).reference


@pytest.fixture
def three(world):
    """Three recorded schemes with distinct words."""
    return {
        "reussite": world.scheme("recorded", title="Programme de Réussite éducative"),
        "parent": world.scheme("recorded", title="Café des parents", summary="Soutien PARENTAL"),
        "sport": world.scheme("reviewed", title="Sport en soirée"),
    }


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    response = browser.get("/dispositifs?q=sport")
    assert response.status_code == 302
    assert "/connexion?next=" in response.headers["Location"]


def test_the_list_shows_each_visible_scheme_with_its_row(world, ui, three):
    page = ui("cotech").get("/dispositifs")
    html = page.get_data(as_text=True)
    assert len(references(page)) == 3
    assert "Programme de Réussite éducative" in html
    assert f'href="/dispositifs/{three["sport"].id}"' in html
    assert "Ville de Fort-de-France" in html
    assert 'class="badge badge-reviewed"' in html
    assert "Examiné par le COTECH" in html
    assert "3 dispositifs" in html
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", html)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("reussite", ["reussite"]),
        ("RÉUSSITE", ["reussite"]),
        ("ussit", ["reussite"]),
        ("parental", ["parent"]),
        ("café parents", ["parent"]),
        ("sport parents", []),
        ("fort-de-france", ["reussite", "parent", "sport"]),
        ("fort sport", ["sport"]),
        ("de", ["reussite", "parent", "sport"]),
    ],
)
def test_search_folds_accents_and_case_and_needs_every_word(world, ui, three, q, expected):
    page = ui("cotech").get("/dispositifs", query_string={"q": q})
    assert sorted(references(page)) == sorted(ref_of(world, three[k]) for k in expected)
    assert f'value="{q}"' in page.get_data(as_text=True)


def test_search_follows_edits_of_the_text(world, ui, three):
    with UnitOfWork(world.db) as uow:
        edit_record(uow, three["sport"], {"title": "Basket de nuit"}, world.actors["cotech"])
    cotech = ui("cotech")
    assert references(cotech.get("/dispositifs?q=sport")) == []
    assert references(cotech.get("/dispositifs?q=basket")) == [ref_of(world, three["sport"])]


def test_filters_by_state_theme_public_aid_type_and_organisation(world, ui, three):
    other = world.scheme(
        "recorded",
        title="Autre",
        themes=["aide_victimes"],
        publics=["victimes"],
        aid_types=["formation"],
    )
    cotech = ui("cotech")
    sport = ref_of(world, three["sport"])
    assert references(cotech.get("/dispositifs?states=reviewed")) == [sport]
    two = cotech.get("/dispositifs?states=reviewed&states=recorded&sort=reference")
    assert len(references(two)) == 4
    assert references(cotech.get("/dispositifs?themes=aide_victimes")) == [ref_of(world, other)]
    assert references(cotech.get("/dispositifs?publics=victimes")) == [ref_of(world, other)]
    assert len(references(cotech.get("/dispositifs?aid_types=mediation"))) == 3
    assert references(cotech.get("/dispositifs?aid_types=formation")) == [ref_of(world, other)]
    mine = f"/dispositifs?organisation_id={world.organisation_id}"
    assert len(references(cotech.get(mine))) == 4
    theirs = f"/dispositifs?organisation_id={world.other_organisation_id}"
    assert references(cotech.get(theirs)) == []


def test_territory_filters_include_communes_of_an_epci_and_wider_schemes(world, ui):
    city = world.scheme("recorded", title="En ville", territories=["COM-97209"])
    north = world.scheme("recorded", title="Au nord", territories=["COM-97222"])
    island = world.scheme("recorded", title="Partout", territories=["DEP-972"])
    cacem = world.scheme("recorded", title="Agglomération", territories=["EPCI-249720061"])
    cotech = ui("cotech")

    def found(cog):
        return sorted(references(cotech.get(f"/dispositifs?territory={cog}")))

    refs = {
        k: ref_of(world, r)
        for k, r in dict(city=city, north=north, island=island, cacem=cacem).items()
    }
    assert found("EPCI-249720061") == sorted([refs["city"], refs["island"], refs["cacem"]])
    assert found("COM-97209") == sorted([refs["city"], refs["island"], refs["cacem"]])
    assert found("COM-97222") == sorted([refs["north"], refs["island"]])
    assert found("DEP-972") == sorted([refs["island"]])


def test_drafts_of_another_organisation_never_appear(world, ui):
    from engine.services.records import create_scheme

    with UnitOfWork(world.db) as uow:
        theirs = create_scheme(
            uow,
            world.actors["other_owner"],
            {"title": "Brouillon secret", "organisation_id": world.other_organisation_id},
        ).reference
    mine = ref_of(world, world.scheme("draft", title="Mon brouillon"))
    assert references(ui("owner").get("/dispositifs")) == [mine]
    assert references(ui("other_owner").get("/dispositifs")) == [theirs]
    assert references(ui("cotech").get("/dispositifs?q=brouillon")) == []
    assert sorted(references(ui("admin").get("/dispositifs"))) == sorted([mine, theirs])


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("states=bogus", "states", "État(s) inconnu(s) : bogus."),
        ("themes=nope", "themes", "Code(s) inconnu(s) : nope."),
        ("territory=COM-00000", "territory", "Territoire inconnu : COM-00000"),
        ("organisation_id=abc", "organisation_id", ""),
        ("sort=sideways", "sort", "Tri inconnu"),
    ],
)
def test_a_bad_filter_shows_the_form_again_with_a_french_message(ui, three, query, field, message):
    page = ui("cotech").get(f"/dispositifs?q=garde%20moi&{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Certains filtres ne sont pas valides" in html
    assert f'id="erreur-{field}"' in html
    assert message in html
    assert 'value="garde moi"' in html
    assert ROW.findall(html) == []


def _set_updated(world, ids: list[int], when: str) -> None:
    from datetime import datetime

    from sqlalchemy import update

    from engine.models import Scheme

    with UnitOfWork(world.db) as uow:
        uow.session.execute(
            update(Scheme).where(Scheme.id.in_(ids)).values(updated_at=datetime.fromisoformat(when))
        )
        uow.commit()


def _walk(browser, first: str, link: str) -> list[list[str]]:
    pages, url = [], first
    while url:
        page = browser.get(url)
        pages.append(references(page))
        found = re.search(rf'<a rel="{link}" href="([^"]+)"', page.get_data(as_text=True))
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


@pytest.mark.parametrize("sort", ["recent", "title", "reference", "state"])
def test_keyset_pages_cover_every_row_once_even_when_times_tie(world, ui, monkeypatch, sort):
    monkeypatch.setattr("web.ui.inventory.PAGE_SIZE", 3)
    refs = [world.scheme("recorded", title=f"Titre {i % 3}") for i in range(8)]
    # Half of them changed at the very same instant: the id breaks the tie.
    _set_updated(world, [r.id for r in refs[:4]], "2026-01-01T10:00:00+00:00")
    cotech = ui("cotech")
    pages = _walk(cotech, f"/dispositifs?q=titre&sort={sort}", "next")
    flat = [r for p in pages for r in p]
    assert [len(p) for p in pages] == [3, 3, 2]
    assert sorted(flat) == sorted(ref_of(world, r) for r in refs)
    back = cotech.get(f"/dispositifs?q=titre&sort={sort}")
    last = _walk(cotech, f"/dispositifs?q=titre&sort={sort}", "next")
    assert last == pages and references(back) == pages[0]
    # From the last page, "précédent" walks back through the same pages.
    html = cotech.get(f"/dispositifs?q=titre&sort={sort}").get_data(as_text=True)
    second = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    third = re.search(
        r'<a rel="next" href="([^"]+)"', cotech.get(second).get_data(as_text=True)
    ).group(1)
    assert _walk(cotech, third.replace("&amp;", "&"), "prev") == [pages[2], pages[1], pages[0]]


def test_sorts_order_the_rows(world, ui):
    b = world.scheme("recorded", title="Bravo")
    a = world.scheme("recorded", title="Alpha")
    c = world.scheme("reviewed", title="Charlie")
    cotech = ui("cotech")
    refs = {k: ref_of(world, r) for k, r in dict(a=a, b=b, c=c).items()}
    assert references(cotech.get("/dispositifs?sort=title")) == [refs["a"], refs["b"], refs["c"]]
    assert references(cotech.get("/dispositifs?sort=reference")) == [
        refs["b"],
        refs["a"],
        refs["c"],
    ]
    assert references(cotech.get("/dispositifs")) == [refs["c"], refs["a"], refs["b"]]
    assert references(cotech.get("/dispositifs?sort=state"))[-1] == refs["c"]


def test_the_url_carries_the_filters_into_the_form_and_the_page_links(world, ui, monkeypatch):
    monkeypatch.setattr("web.ui.inventory.PAGE_SIZE", 1)
    for i in range(2):
        world.scheme("recorded", title=f"Médiation {i}")
    html = (
        ui("cotech")
        .get(
            "/dispositifs?q=mediation&states=recorded&themes=aide_victimes&themes=mediation_tranquillite"
            "&territory=COM-97209&sort=title"
        )
        .get_data(as_text=True)
    )
    assert 'name="states" value="recorded" checked' in html
    assert 'name="themes" value="mediation_tranquillite" checked' in html
    assert '<option value="COM-97209" selected>' in html
    assert '<option value="title" selected>' in html
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    for part in ("q=mediation", "states=recorded", "themes=aide_victimes", "sort=title", "after="):
        assert part in nxt


def test_owners_get_a_new_scheme_button_and_cotech_members_pooling_checkboxes(world, ui):
    reviewed = world.scheme("reviewed", title="Examiné")
    world.scheme("recorded", title="Enregistré")
    assert "Nouveau dispositif" in ui("owner").get("/dispositifs").get_data(as_text=True)
    owner_html = ui("owner").get("/dispositifs").get_data(as_text=True)
    assert 'name="scheme_ids"' not in owner_html
    html = ui("cotech").get("/dispositifs").get_data(as_text=True)
    assert "Nouveau dispositif" not in html
    assert re.findall(r'name="scheme_ids" value="(\d+)"', html) == [str(reviewed.id)]
    assert 'action="/mutualisations/nouvelle"' in html
    assert "Proposer une mutualisation des dispositifs cochés" in html


def test_export_downloads_the_filtered_list_and_is_audited(world, ui, three):
    from sqlalchemy import select

    from engine.models import AuditEvent

    links = ui("cotech").get("/dispositifs?states=reviewed").get_data(as_text=True)
    assert "/dispositifs/export?format=csv&amp;states=reviewed" in links
    response = ui("cotech").get("/dispositifs/export?format=csv&states=reviewed")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert re.search(r"attachment; filename=dispositifs-\d{4}-\d\d-\d\d\.csv", disposition)
    body = response.get_data().decode("utf-8-sig")
    assert "Sport en soirée" in body and "Café des parents" not in body
    # The test browser reads every answer as text: fetch the binary workbook with its client.
    xlsx = ui("cotech").client.get("/dispositifs/export?format=xlsx")
    assert xlsx.get_data()[:2] == b"PK"
    with UnitOfWork(world.db) as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.data["filters"] for e in events] == [{"states": ["reviewed"]}, {}]


def test_export_refuses_unknown_formats_and_bad_filters(ui):
    assert ui("cotech").get("/dispositifs/export?format=pdf").status_code == 404
    assert ui("cotech").get("/dispositifs/export?format=csv&states=bogus").status_code == 422


def test_an_export_is_named_after_the_martinique_day_of_the_application_clock(ui, clock):
    # 31 December, 23:30 in Martinique: already 1 January in UTC and in Paris.
    clock.now = datetime(2027, 1, 1, 3, 30, tzinfo=UTC)
    response = ui("cotech").get("/dispositifs/export?format=csv")
    assert "filename=dispositifs-2026-12-31.csv" in response.headers["Content-Disposition"]

"""The public catalogue: approved schemes only, for anyone, on every public address."""

import csv
import io

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import Scheme, Territory, VocabularyTerm
from engine.queries.public_scheme import published_states, slug
from engine.rules.workflow import default_registry
from engine.services.comments import add_comment
from tests.factories import PATHS, World
from web.ui import catalogue as catalogue_views

STATES = tuple(PATHS)
BUDGET = "987654"
COMMENT = "Remarque interne du COTECH sur le financement"


def _every_state(world: World) -> dict[str, tuple[int, str, str]]:
    """One scheme per state of the workflow: {state: (id, reference, title)}, all commented."""
    out = {}
    for state in STATES:
        title = f"Dispositif témoin {state.replace('_', ' ')}"
        ref = world.scheme(
            state,
            title=title,
            annual_budget=BUDGET,
            age_min=10,
            age_max=20,
        )
        with UnitOfWork(world.db) as uow:
            add_comment(uow, ref, world.actors["owner"], COMMENT)
        with UnitOfWork(world.db) as uow:
            reference = uow.session.get(Scheme, ref.id).reference
        out[state] = (ref.id, reference, title)
    return out


def _public_paths(client, world: World, schemes: dict) -> list[str]:
    """Every public address: the list with each filter, each scheme, the files."""
    with UnitOfWork(world.db) as uow:
        communes = uow.session.scalars(
            select(Territory.code).where(Territory.kind == "commune")
        ).all()
        terms = uow.session.execute(select(VocabularyTerm.vocabulary, VocabularyTerm.code)).all()
    paths = ["/catalogue", "/catalogue/donnees/dispositifs.csv", "/sitemap.xml", "/robots.txt"]
    paths += [f"/catalogue?commune={code}" for code in communes]
    paths += [f"/catalogue?{v}={c}" for v, c in terms if v in ("public", "theme")]
    paths += [f"/catalogue?age={age}" for age in (0, 10, 15, 20, 30)]
    paths += ["/catalogue?q=dispositif", "/catalogue?q=temoin", "/catalogue?q=brouillon"]
    for ident, _reference, title in schemes.values():
        paths += [
            f"/catalogue/{ident}",
            f"/catalogue/{ident}-{slug(title)}",
            f"/catalogue/{ident}-x",
        ]
    return paths


def test_only_approved_schemes_appear_on_any_public_address(world, client, ui):
    schemes = _every_state(world)
    assert published_states(default_registry()) == ("approved",)
    hidden = [s for state, s in schemes.items() if state != "approved"]
    forbidden = [
        *(title for _, _, title in hidden),
        *(reference for _, reference, _ in schemes.values()),
        BUDGET,
        "987 654",
        "987\u202f654",
        COMMENT,
        *(f"{key}@example.mq" for key in world.actors),
        "COPIL-",
        "Historique",
        "Commentaires",
        "csrf",
    ]
    approved_id, _, approved_title = schemes["approved"]
    paths = _public_paths(client, world, schemes)
    for who in (client, ui("cotech").client):
        for path in paths:
            response = who.get(path, follow_redirects=True)
            assert response.status_code in (200, 404), path
            text = response.get_data(as_text=True)
            for word in forbidden:
                assert word not in text, (path, word)
    assert approved_title in client.get("/catalogue").get_data(as_text=True)
    for ident, _, _ in hidden:
        assert client.get(f"/catalogue/{ident}").status_code == 404
    page = client.get(f"/catalogue/{approved_id}", follow_redirects=True)
    assert approved_title in page.get_data(as_text=True)


def test_open_data_file_holds_the_approved_schemes_only(world, client):
    schemes = _every_state(world)
    response = client.get("/catalogue/donnees/dispositifs.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.last_modified is not None
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["titre"] for row in rows] == [schemes["approved"][2]]


def test_search_ignores_accents_and_case(world, client):
    world.scheme("approved", title="Soutien scolaire des élèves")
    world.scheme("approved", title="Médiation de nuit")
    for words in ("eleve", "ÉLÈVE", "Élèves scolaire"):
        text = client.get("/catalogue", query_string={"q": words}).get_data(as_text=True)
        assert "Soutien scolaire des élèves" in text, words
        assert "Médiation de nuit" not in text, words


def test_a_commune_shows_the_schemes_of_its_epci_and_of_martinique(world, client):
    world.scheme("approved", title="Action à Fort-de-France", territories=["COM-97209"])
    world.scheme("approved", title="Action de la CACEM", territories=["EPCI-249720061"])
    world.scheme("approved", title="Action martiniquaise", territories=["DEP-972"])
    world.scheme("approved", title="Action au Robert", territories=["COM-97222"])
    text = client.get("/catalogue?commune=97209").get_data(as_text=True)
    for title in ("Action à Fort-de-France", "Action de la CACEM", "Action martiniquaise"):
        assert title in text
    assert "Action au Robert" not in text
    robert = client.get("/catalogue?commune=97222").get_data(as_text=True)
    assert "Action au Robert" in robert and "Action martiniquaise" in robert
    assert "Action de la CACEM" not in robert


def test_filters_by_public_theme_and_age(world, client):
    world.scheme("approved", title="Pour les enfants", publics=["enfants"], age_min=3, age_max=11)
    world.scheme("approved", title="Pour tous les âges", publics=["familles_parents"])
    world.scheme("approved", title="Aide aux victimes", themes=["aide_victimes"], age_min=18)

    def titles(query):
        text = client.get("/catalogue?" + query).get_data(as_text=True)
        return {
            t for t in ("Pour les enfants", "Pour tous les âges", "Aide aux victimes") if t in text
        }

    assert titles("public=enfants") == {"Pour les enfants"}
    assert titles("theme=aide_victimes") == {"Aide aux victimes"}
    assert titles("age=8") == {"Pour les enfants", "Pour tous les âges"}
    assert titles("age=40") == {"Pour tous les âges", "Aide aux victimes"}


def test_a_bad_filter_is_explained_next_to_its_field(world, client):
    response = client.get("/catalogue?age=deux&q=garder")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="age-erreur"' in text and 'value="garder"' in text and 'value="deux"' in text
    response = client.get("/catalogue?commune=99999&theme=inconnu")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="commune-erreur"' in text and 'id="theme-erreur"' in text


def test_pages_follow_one_another(world, client):
    for number in range(25):
        world.scheme("approved", title=f"Action {number:02d}", complete=True)
    first = client.get("/catalogue").get_data(as_text=True)
    assert "25 dispositifs" in first and "Action 00" in first and "Action 24" not in first
    assert 'rel="next"' in first
    after = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(after.replace("&amp;", "&")).get_data(as_text=True)
    assert "Action 24" in second and "Action 00" not in second and 'rel="prev"' in second


def test_a_scheme_page_tells_what_for_whom_where_and_whom_to_contact(world, client):
    ref = world.scheme(
        "approved",
        title="Médiateurs de nuit",
        contact_phone="0596 00 00 00",
        contact_name="Équipe de médiation",
        url="https://mediation.example.mq",
        age_min=12,
        age_max=25,
    )
    response = client.get(f"/catalogue/{ref.id}")
    assert response.status_code == 301
    assert response.location.endswith(f"/catalogue/{ref.id}-mediateurs-de-nuit")
    text = client.get(response.location).get_data(as_text=True)
    for expected in (
        "Médiateurs de nuit",
        "Une équipe de médiateurs va à la rencontre des jeunes",
        "adolescents (12–17 ans)",
        "de 12 à 25 ans",
        "Fort-de-France",
        "Ville de Fort-de-France",
        "mediation@example.mq",
        "0596 00 00 00",
        "https://mediation.example.mq",
    ):
        assert expected in text, expected


def test_not_published_answers_as_nonexistent(world, client):
    draft = world.scheme("proposed", title="Proposé au COPIL")
    hidden, missing = client.get(f"/catalogue/{draft.id}"), client.get("/catalogue/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    assert "Set-Cookie" not in hidden.headers


def test_anonymous_visitors_get_no_cookie_and_no_internal_navigation(world, client, ui):
    ref = world.scheme("approved", title="Ouvert à tous")
    for path in ("/catalogue", f"/catalogue/{ref.id}-ouvert-a-tous", "/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert "public" in response.headers["Cache-Control"]
    signed_in = ui("owner").get("/catalogue")
    text = signed_in.get_data(as_text=True)
    assert "Se déconnecter" not in text and "À traiter" not in text
    # Their answer renews their session cookie: never for a shared cache.
    assert "private" in signed_in.headers["Cache-Control"]
    assert "public" not in signed_in.headers["Cache-Control"]


def test_conditional_gets_answer_304_until_something_changes(world, client):
    world.scheme("approved", title="Premier")
    first = client.get("/catalogue")
    etag = first.headers["ETag"]
    assert client.get("/catalogue", headers={"If-None-Match": etag}).status_code == 304
    data = client.get("/catalogue/donnees/dispositifs.csv")
    since = data.headers["Last-Modified"]
    again = client.get("/catalogue/donnees/dispositifs.csv", headers={"If-Modified-Since": since})
    assert again.status_code == 304
    world.scheme("approved", title="Second")
    changed = client.get("/catalogue", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Second" in changed.get_data(as_text=True)


def test_sitemap_and_robots(world, client):
    ref = world.scheme("approved", title="Dans le plan du site")
    hidden = world.scheme("recorded", title="Pas encore")
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/catalogue/{ref.id}-dans-le-plan-du-site</loc>" in sitemap
    assert f"/catalogue/{hidden.id}-" not in sitemap
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Allow: /catalogue" in robots and "Sitemap: http://localhost/sitemap.xml" in robots


def test_english_catalogue(world, client):
    world.scheme("approved", title="Médiation")
    text = client.get("/catalogue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Find a scheme near you" in text
    assert "Search" in text


@pytest.mark.parametrize("state", [s for s in STATES if s != "approved"])
def test_every_other_state_is_invisible(world, client, state):
    ref = world.scheme(state, title=f"Invisible {state}")
    assert client.get(f"/catalogue/{ref.id}").status_code == 404
    assert f"Invisible {state}" not in client.get("/catalogue").get_data(as_text=True)


def test_a_large_catalogue_has_a_sitemap_index(world, client, monkeypatch):
    monkeypatch.setattr(catalogue_views, "SITEMAP_SIZE", 1)
    first = world.scheme("approved", title="Premier du plan")
    second = world.scheme("approved", title="Second du plan")
    index = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<sitemapindex" in index and "/sitemap-2.xml</loc>" in index
    assert "/sitemap-3.xml" not in index
    assert f"/catalogue/{first.id}-premier-du-plan<" in client.get("/sitemap-1.xml").get_data(
        as_text=True
    )
    part = client.get("/sitemap-2.xml").get_data(as_text=True)
    assert f"/catalogue/{second.id}-second-du-plan<" in part and "/catalogue<" not in part
    assert client.get("/sitemap-3.xml").status_code == 404


def test_an_english_scheme_page(world, client):
    ref = world.scheme("approved", title="Médiation")
    english = {"Accept-Language": "en"}
    text = client.get(f"/catalogue/{ref.id}-mediation", headers=english).get_data(as_text=True)
    assert "For whom" in text and "teenagers (12–17)" in text
    french = client.get(f"/catalogue/{ref.id}-mediation").get_data(as_text=True)
    assert "Pour qui" in french and "adolescents (12–17 ans)" in french

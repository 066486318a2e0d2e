"""The audit log page: who may read it, its filters and pages, the chain checked on demand."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engine.clock import local
from engine.models import AuditEvent

EVENTS = AuditEvent.__table__


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def events_table(response) -> str:
    """The table of events alone, without the filters' options."""
    text = text_of(response)
    start = text.find('<table class="journal">')
    return text[start : text.find("</table>", start)] if start >= 0 else ""


def shown_positions(response) -> list[int]:
    return [int(p) for p in re.findall(r'id="evenement-(\d+)"', response.get_data(as_text=True))]


def last_position(world) -> int:
    with world.db.engine.connect() as conn:
        return conn.scalar(select(func.max(EVENTS.c.position)))


def test_anonymous_visitors_sign_in_first(browser):
    response = browser.get("/journal")
    assert response.status_code == 302
    assert "/connexion?next=/journal" in response.headers["Location"]


@pytest.mark.parametrize("user", ["owner", "other_owner"])
def test_owners_are_refused_with_the_reason(ui, user):
    response = ui(user).get("/journal")
    assert response.status_code == 403
    assert "réservé aux membres du COTECH, du COPIL" in text_of(response)


@pytest.mark.parametrize("user", ["cotech", "copil", "admin"])
def test_committees_and_admins_read_the_log_newest_first(ui, world, user):
    world.scheme("recorded", title="Médiation de quartier")
    response = ui(user).get("/journal")
    assert response.status_code == 200
    positions = shown_positions(response)
    assert positions[0] == last_position(world)
    assert positions == sorted(positions, reverse=True)
    text = text_of(response)
    assert "soumettre" in text and "brouillon → enregistré" in text


def test_an_event_shows_its_record_link_changes_and_comment(ui, world):
    ref = world.scheme("draft", title="Médiation de quartier")
    world.fire(ref, "withdraw", "owner", {"comment": "Doublon du dispositif CLSPD."})
    text = text_of(ui("admin").get(f"/journal?record_type=scheme&record_id={ref.id}"))
    assert f'href="/dispositifs/{ref.id}"' in text
    assert "« Doublon du dispositif CLSPD. »" in text
    assert "Intitulé</span> : <del>—</del> → <ins>Médiation de quartier</ins>" in text
    assert "retirer" in text and "brouillon → retiré" in text


def test_filter_by_record_number_or_reference(ui, world):
    first = world.scheme("recorded", title="Premier")
    second = world.scheme("recorded", title="Second")
    browser = ui("cotech")
    by_id = text_of(browser.get(f"/journal?record_type=scheme&record_id={second.id}"))
    assert "Second" in by_id and "Premier" not in by_id
    with world.db.engine.connect() as conn:
        reference = conn.exec_driver_sql(
            f"SELECT reference FROM scheme WHERE id = {first.id}"
        ).scalar()
    by_reference = text_of(browser.get(f"/journal?record_id={reference.lower()}"))
    assert "Premier" in by_reference and "Second" not in by_reference
    unknown = text_of(browser.get("/journal?record_id=DSP-1999-9999"))
    assert "Aucun enregistrement ne correspond à « DSP-1999-9999 »" in unknown


def test_filter_by_actor_and_action(ui, world):
    world.scheme("reviewed")
    browser = ui("copil")
    cotech2 = world.actors["cotech2"].id
    response = browser.get(f"/journal?actor_id={cotech2}")
    assert "valider l'examen" in events_table(response)
    assert "soumettre" not in events_table(response)
    assert f'<option value="{cotech2}" selected>' in text_of(response)
    response = browser.get("/journal?action=submit")
    assert "soumettre" in events_table(response)
    assert "valider l'examen" not in events_table(response)


def test_filter_by_french_dates(ui, world, test_clock):
    world.scheme("recorded")
    today = local(test_clock()).date()
    browser = ui("cotech")
    day = today.strftime("%d/%m/%Y")
    assert shown_positions(browser.get(f"/journal?since={day}&until={day}"))
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    assert not shown_positions(browser.get(f"/journal?until={yesterday}"))
    assert "Aucun événement ne correspond" in text_of(browser.get(f"/journal?until={yesterday}"))


def test_a_bad_date_is_shown_next_to_its_field_and_kept(ui, world):
    response = ui("cotech").get("/journal?since=31/02/2026&action=submit")
    assert response.status_code == 422
    text = text_of(response)
    assert 'id="since" name="since" value="31/02/2026"' in text
    assert 'class="erreur" id="since-erreur"' in text
    assert '<option value="submit" selected>' in text
    assert not shown_positions(response)


def test_pages_go_back_in_time_and_forward_again(ui, world, monkeypatch):
    monkeypatch.setattr("web.ui.audit.PER_PAGE", 3)
    world.scheme("reviewed")
    browser = ui("admin")
    last = last_position(world)
    first_page = browser.get("/journal")
    assert shown_positions(first_page) == [last, last - 1, last - 2]
    assert "Plus récents ›" not in text_of(first_page)
    second_page = browser.get(f"/journal?before={last - 2}")
    assert shown_positions(second_page) == [last - 3, last - 4, last - 5]
    assert f"after={last - 3}" in text_of(second_page)
    back = browser.get(f"/journal?after={last - 3}")
    assert shown_positions(back) == [last, last - 1, last - 2]
    oldest = browser.get("/journal?before=3")
    assert shown_positions(oldest) == [2, 1]
    assert "Plus anciens" not in text_of(oldest)


def test_filters_stay_in_the_page_links(ui, world, monkeypatch):
    monkeypatch.setattr("web.ui.audit.PER_PAGE", 1)
    world.scheme("draft", title="Premier")
    world.scheme("draft", title="Second")
    text = text_of(ui("admin").get("/journal?record_type=scheme&action=create&since="))
    link = re.search(r'href="([^"]+)" rel="next"', text).group(1)
    assert "record_type=scheme" in link and "action=create" in link and "since" not in link


def test_the_chain_is_verified_on_demand_for_admins(ui, world):
    world.scheme("recorded")
    browser = ui("admin")
    plain = text_of(browser.get("/journal"))
    assert "Chaîne intègre" not in plain and "Vérifier toute la chaîne" in plain
    count = last_position(world)
    checked = text_of(browser.get("/journal?verifier=1"))
    assert f"Chaîne intègre : {count} événements vérifiés." in checked
    assert f"Dernier événement inscrit : n°{count}." in checked


def test_committee_members_see_the_head_but_not_the_button(ui, world):
    text = text_of(ui("cotech").get("/journal?verifier=1"))
    assert "Vérifier toute la chaîne" not in text
    assert "réservée aux administrateurs" in text
    assert "Dernier événement inscrit" in text


def test_a_tampered_event_is_named(ui, world):
    world.scheme("recorded")
    with world.db.engine.begin() as conn:
        if world.db.is_postgresql:
            # Only someone able to switch the append-only trigger off can alter the log.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(EVENTS.update().where(EVENTS.c.position == 5).values(comment="Falsifié"))
    text = text_of(ui("admin").get("/journal?verifier=1"))
    assert "Chaîne rompue." in text
    assert "L'événement n°5 a été modifié : son empreinte ne correspond plus." in text
    assert 'href="/journal?before=6"' in text

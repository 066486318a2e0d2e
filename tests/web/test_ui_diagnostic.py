"""The diagnostic page: who reads and who imports, the map and table, « non diffusé » everywhere."""

import csv
import io
import re
from html import unescape
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, DiagnosticNote
from engine.services.users import set_locale
from tests.integration.test_diagnostic import COMMUNE_HEADER, DEPARTMENT_HEADER, VIF, commune

DATA = Path(__file__).resolve().parents[2] / "demo" / "ssmsi"
DEPARTMENT_ROW = f'"972";"02";"2024";"{VIF}";"Victime";"900";"2,5";"349925";"2022";"180000";"2022"'


def upload(browser, content: bytes, name: str = "base.csv"):
    return browser.post(
        "/diagnostic/import",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def imported(browser, content: bytes, name: str = "base.csv"):
    preview = upload(browser, content, name)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.get_data(as_text=True))
    return browser.post("/diagnostic/import/confirmer", {"token": token.group(1), "name": name})


def text(*rows: str, header: str = COMMUNE_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_everyone_signed_in_reads_and_only_the_cotech_or_admins_import(ui, browser):
    assert browser.get("/diagnostic").status_code == 302
    for key in ("owner", "copil", "cotech", "admin"):
        page = ui(key).get("/diagnostic")
        assert page.status_code == 200
        assert "Aucune statistique de la délinquance" in page.get_data(as_text=True)
    owner = ui("owner")
    assert "/diagnostic/import" not in owner.get("/diagnostic").get_data(as_text=True)
    assert owner.get("/diagnostic/import").status_code == 403
    assert upload(owner, text(commune("97201", "1,0"))).status_code == 403
    assert ui("copil").get("/diagnostic/import").status_code == 403
    assert ui("cotech").get("/diagnostic/import").status_code == 200


def test_the_preview_writes_nothing_and_the_confirmation_imports(ui):
    cotech = ui("cotech")
    data = (DATA / "ssmsi-communes-INVENTE.csv").read_bytes()
    preview = upload(cotech, data, "donnee-comm.csv").get_data(as_text=True)
    assert "204" in preview and "Lignes hors Martinique ignorées" in preview
    assert "Aucune statistique" in cotech.get("/diagnostic").get_data(as_text=True)
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview).group(1)
    done = cotech.post("/diagnostic/import/confirmer", {"token": token, "name": "donnee-comm.csv"})
    assert done.status_code == 302
    page = cotech.get("/diagnostic").get_data(as_text=True)
    assert "Statistiques importées : 204 chiffres" in page
    assert "donnee-comm.csv" in page and "Violences physiques intrafamiliales" in page
    assert "Chiffres inventés" not in page
    # The same token cannot import twice.
    again = cotech.post("/diagnostic/import/confirmer", {"token": token, "name": "x.csv"})
    assert again.status_code == 404


def test_a_bad_file_is_refused_in_french_with_its_rows_and_nothing_written(ui):
    cotech = ui("cotech")
    refused = upload(cotech, text(commune("97201", "1,0"), commune("97299", "2,0")))
    assert refused.status_code == 422
    html = unescape(refused.get_data(as_text=True))
    assert "Fichier refusé : rien n'a été importé." in html
    assert "Ligne 3 : la commune 97299 n'est pas une commune de la Martinique." in html
    assert upload(cotech, b"").status_code == 422
    nothing = cotech.post("/diagnostic/import", {}, content_type="multipart/form-data")
    assert nothing.status_code == 422
    assert "Choisissez un fichier CSV du SSMSI." in nothing.get_data(as_text=True)
    assert "Aucune statistique" in cotech.get("/diagnostic").get_data(as_text=True)


def test_withheld_figures_are_never_numbers_on_the_page_map_or_exports(ui, world):
    cotech = ui("cotech")
    imported(cotech, text(DEPARTMENT_ROW, header=DEPARTMENT_HEADER))
    imported(cotech, text(commune("97201", "4,0"), commune("97203", None)))
    world.scheme("approved", themes=["violences_intrafamiliales"], territories=["COM-97209"])
    html = ui("owner").get(f"/diagnostic?indicateur={VIF}&annee=2024").get_data(as_text=True)
    basse_pointe = re.search(r'<tr id="commune-97203">(.*?)</tr>', html, re.S).group(1)
    assert basse_pointe.count("non diffusé") == 2 and "9,9" not in html and "9,90" not in html
    assert "Basse-Pointe : non diffusé" in html  # the map's tile
    assert "url(#hachures)" in html
    ajoupa = re.search(r'<tr id="commune-97201" class="manque">(.*?)</tr>', html, re.S).group(1)
    assert "4,00" in ajoupa and "au-dessus" in ajoupa
    assert "Manques : 1 commune(s)" in html
    assert "Chiffres inventés" not in html
    assert "Martinique : 900 (victime), soit 2,50 pour 1 000 habitants." in html
    exported = ui("owner").get(f"/diagnostic/export?format=csv&indicateur={VIF}&annee=2024")
    assert exported.status_code == 200
    table = list(
        csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    rows = {row[0]: row for row in table[1:]}
    assert rows["97203"][6:8] == ["non diffusé", "non diffusé"]
    assert rows["97201"][7] == "4" and rows["97201"][-1] == "oui"
    assert rows["97234"][6] == "absent du fichier"
    workbook = load_workbook(
        io.BytesIO(ui("owner").client.get("/diagnostic/export?format=xlsx").get_data())
    )
    sheet = {row[0]: row for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert sheet["97203"][6:8] == ("non diffusé", "non diffusé")
    assert sheet["97201"][7] == 4.0
    assert ui("owner").get("/diagnostic/export?format=pdf").status_code == 404


def test_the_demo_files_invented_numbers_are_said_to_be_invented(ui):
    cotech = ui("cotech")
    imported(
        cotech, (DATA / "ssmsi-communes-INVENTE.csv").read_bytes(), "ssmsi-communes-INVENTE.csv"
    )
    page = cotech.get("/diagnostic").get_data(as_text=True)
    assert "Chiffres inventés : ces statistiques viennent des fichiers de démonstration" in page
    # Real figures of the year, imported afterwards, replace them and the warning goes.
    imported(cotech, text(commune("97201", "4,0", 2023), commune("97201", "4,0", 2024)), "reel.csv")
    assert "Chiffres inventés" not in cotech.get("/diagnostic").get_data(as_text=True)


def test_the_page_reads_in_english_too(ui, world):
    cotech = ui("cotech")
    imported(cotech, text(commune("97201", "4,0")))
    with UnitOfWork(world.db) as uow:
        set_locale(uow, world.actors["cotech"], "en")
    english = ui("cotech").get("/diagnostic").get_data(as_text=True)
    assert (
        "Crime diagnostic" in english and "domestic violence and violence against women" in english
    )
    assert "Domestic physical violence — 2024" in english
    assert "Gaps: 0 commune(s)" in english


def with_a_gap(ui, world):
    cotech = ui("cotech")
    imported(cotech, text(DEPARTMENT_ROW, header=DEPARTMENT_HEADER))
    imported(cotech, text(commune("97201", "4,0")))
    return cotech


def note(browser, body: str, code: str = "97201"):
    form = {"commune": code, "indicateur": VIF, "annee": "2024", "body": body}
    return browser.post("/diagnostic/notes", form)


def test_a_gap_is_one_click_from_a_cotech_note_the_committees_read(ui, world):
    cotech = with_a_gap(ui, world)
    page = cotech.get(f"/diagnostic?indicateur={VIF}&annee=2024").get_data(as_text=True)
    assert "Noter pour le COTECH" in page and 'name="commune" value="97201"' in page
    answer = note(cotech, "Voir avec le CLSPD de L'Ajoupa-Bouillon : aucun relais VIF.")
    assert answer.status_code == 302 and answer.location.endswith("#notes-97201")
    for key in ("copil", "admin", "cotech2"):
        shown = unescape(ui(key).get(answer.location).get_data(as_text=True))
        assert "aucun relais VIF" in shown and "1 note(s) du COTECH" in shown
    # Owners read the diagnostic, never the committee's notes, nor may they write one.
    owner = ui("owner")
    assert "aucun relais VIF" not in owner.get(answer.location).get_data(as_text=True)
    assert "Noter pour le COTECH" not in owner.get("/diagnostic").get_data(as_text=True)
    assert note(owner, "Note d'un porteur").status_code == 403
    assert note(ui("copil"), "Note du COPIL").status_code == 403
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "diagnostic_note")
        ).one()
    assert event.comment.startswith("Voir avec le CLSPD") and event.record_reference == (
        f"97201 {VIF} 2024"
    )


def test_a_bad_note_is_sent_back_in_french_with_its_text(ui, world):
    cotech = with_a_gap(ui, world)
    empty = note(cotech, "   ")
    assert empty.status_code == 422
    assert '<p class="erreur" id="erreur-note-97201">Écrivez la note.</p>' in empty.get_data(
        as_text=True
    )
    long = note(cotech, "x" * 5001)
    assert long.status_code == 422 and "x" * 5001 in long.get_data(as_text=True)
    assert "Entre 1 et 5000 caractères." in long.get_data(as_text=True)
    unknown = note(cotech, "Une note", code="97299")
    assert unknown.status_code == 422 and "Commune inconnue." in unknown.get_data(as_text=True)
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(DiagnosticNote)) == 0


def test_the_log_names_the_imports_and_notes_of_the_diagnostic(ui, world):
    cotech = with_a_gap(ui, world)
    note(cotech, "À suivre au prochain COTECH.")
    log = unescape(ui("admin").get("/journal").get_data(as_text=True))
    assert "import de statistiques du SSMSI" in log
    assert "note du COTECH sur le diagnostic" in log and "À suivre au prochain COTECH." in log


def test_a_gap_is_one_click_from_an_objective_the_copil_sets(ui, world):
    with_a_gap(ui, world)
    copil = ui("copil")
    page = unescape(copil.get(f"/diagnostic?indicateur={VIF}&annee=2024").get_data(as_text=True))
    link = re.search(r'<a href="(/objectifs/nouveau\?[^"]+)">Proposer un objectif</a>', page)
    assert link, "a gap offers the COPIL a new objective"
    form = unescape(copil.get(link.group(1)).get_data(as_text=True))
    assert f'value="{VIF} à L\'Ajoupa-Bouillon"' in form
    assert re.search(r'<option value="COM-97201"\s+selected', form)
    assert re.search(r'value="violences_intrafamiliales"[^>]*checked', form)
    assert re.search(r'value="aide_victimes"[^>]*checked', form)
    # The COTECH notes a gap; it does not set objectives.
    cotech_page = ui("cotech").get("/diagnostic").get_data(as_text=True)
    assert "Proposer un objectif" not in cotech_page

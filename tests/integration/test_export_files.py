"""Exports for people and programs: French Excel CSV, typed XLSX, JSON as the API shows it."""

import csv
import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.exporting.source import SCHEME_LOADS
from engine.models import Scheme, VocabularyTerm
from engine.queries.inventory import InventoryFilter, scheme_query
from engine.records.fields import POOLING_COLUMNS, SCHEME_COLUMNS, header
from engine.records.representation import scheme_dict
from engine.services.exports import export_inventory
from engine.services.imports import plan_import
from tests.integration.export_data import TRICKY_DESCRIPTION, varied_inventory


@pytest.fixture
def inventory(world):
    return varied_inventory(world)


def export(world, fmt: str, actor: str = "cotech", **filters) -> tuple[bytes, int]:
    out = io.BytesIO()
    with UnitOfWork(world.db) as uow:
        count = export_inventory(uow, world.actors[actor], fmt, InventoryFilter(**filters), out)
    return out.getvalue(), count


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def by_reference(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    names = list(SCHEME_COLUMNS)
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows[1:]}


def reference(world, ref) -> str:
    with UnitOfWork(world.db) as uow:
        return uow.session.get(Scheme, ref.id).reference


def expected_references(world, actor: str, **filters) -> list[str]:
    with UnitOfWork(world.db) as uow:
        stmt = scheme_query(uow.session, InventoryFilter(**filters), world.actors[actor])
        return [s.reference for s in uow.session.scalars(stmt)]


def test_csv_opens_in_french_excel(inventory):
    data, count = export(inventory.world, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    head = ";".join(header(name) for name in SCHEME_COLUMNS)
    assert text.startswith(head + "\r\n")
    rows = csv_rows(data)
    assert rows[0] == [header(name) for name in SCHEME_COLUMNS]
    assert count == len(rows) - 1 == 4  # 3 approved, 1 recorded; drafts are not the cotech's


def test_csv_writes_numbers_dates_lists_and_text_as_excel_reads_them(inventory):
    world = inventory.world
    rows = by_reference(csv_rows(export(world, "csv")[0]))
    epci = rows[reference(world, inventory.epci)]
    assert epci["annual_budget"] == "12500,50"
    assert epci["age_min"] == "0" and epci["capacity"] == "120"
    assert epci["start_date"] == "15/01/2024" and epci["end_date"] == ""
    assert epci["description"] == TRICKY_DESCRIPTION  # `;`, quotes and line breaks survive
    assert epci["title"] == "'=SOMME(A1:A9) Parentalité au Centre"  # never run as a formula
    assert epci["territories"] == "CA du Centre de la Martinique"
    assert epci["themes"] == (
        "prévention de la délinquance des jeunes ; médiation sociale et tranquillité publique"
    )
    assert epci["funders"] == (
        "Collectivité Territoriale de Martinique (8000,25 €) ; Caisse d'allocations familiales"
    )
    assert epci["partners"] == (
        "Collectivité Territoriale de Martinique (financeur) ; "
        "Association des parents du Lamentin (opérateur) ; "
        "Association Horizon Jeunesse (partenaire)"
    )
    assert epci["state"] == "approuvé par le COPIL"
    assert epci["organisation_siren"] == "219722097"
    department = rows[reference(world, inventory.department)]
    assert (department["start_date"], department["end_date"]) == ("01/03/2023", "31/12/2026")
    assert department["territories"] == "Martinique ; Fort-de-France"
    assert datetime.strptime(department["updated_at"], "%d/%m/%Y %H:%M")


@pytest.mark.parametrize(
    "filters",
    [
        {"states": ("approved",)},
        {"territory": "COM-97213"},
        {"q": "victimes"},
        {"publics": ("professionnels",), "states": ("approved", "recorded")},
        {"themes": ("aide_victimes",)},
    ],
)
def test_csv_holds_exactly_the_rows_of_the_inventory_filter(inventory, filters):
    world = inventory.world
    data, count = export(world, "csv", **filters)
    exported = [row[0] for row in csv_rows(data)[1:]]
    assert exported == expected_references(world, "cotech", **filters)
    assert count == len(exported)


def test_xlsx_has_three_typed_sheets_with_frozen_filtered_headers(inventory):
    world = inventory.world
    world.pooling("recorded", members=[inventory.epci, inventory.department])
    data, count = export(world, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Dispositifs", "Mutualisations", "Vocabulaires"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["A"].width >= 12
        assert all(cell.font.bold for cell in sheet[1])
    schemes = book["Dispositifs"]
    assert [c.value for c in schemes[1]] == [header(n) for n in SCHEME_COLUMNS]
    assert schemes.max_row == count + 1 == 5
    assert schemes.auto_filter.ref == f"A1:{get_column_letter(len(SCHEME_COLUMNS))}5"
    assert schemes.column_dimensions["G"].width == 60  # the description reads comfortably
    rows = {row[0].value: row for row in schemes.iter_rows(min_row=2)}
    epci = dict(zip(SCHEME_COLUMNS, rows[reference(world, inventory.epci)], strict=True))
    assert epci["annual_budget"].value == pytest.approx(12500.50)
    assert epci["annual_budget"].number_format == '#,##0.00 "€"'
    assert epci["age_max"].value == 17 and epci["capacity"].value == 120
    assert epci["start_date"].is_date and epci["start_date"].value.date() == date(2024, 1, 15)
    assert epci["start_date"].number_format == "DD/MM/YYYY"
    assert epci["updated_at"].is_date
    assert epci["title"].data_type == "s" and epci["title"].value.startswith("=SOMME")
    # XML reads every line end as "\n", as Excel shows them.
    assert epci["description"].value == TRICKY_DESCRIPTION.replace("\r\n", "\n")
    poolings = book["Mutualisations"]
    assert [c.value for c in poolings[1]] == [header(n, POOLING_COLUMNS) for n in POOLING_COLUMNS]
    assert poolings.max_row == 2
    assert poolings["F2"].value == " ; ".join(
        sorted(reference(world, r) for r in (inventory.epci, inventory.department))
    )
    with UnitOfWork(world.db) as uow:
        terms = uow.session.scalar(select(func.count()).select_from(VocabularyTerm))
    assert book["Vocabulaires"].max_row == terms + 1


def test_xlsx_of_an_empty_selection_is_still_a_workbook(inventory):
    data, count = export(inventory.world, "xlsx", q="introuvable")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert count == 0 and book["Dispositifs"].max_row == 1


def test_json_is_each_scheme_as_the_api_shows_it_without_floats(inventory):
    world = inventory.world
    data, count = export(world, "json", actor="owner")

    def no_float(text):
        raise AssertionError(f"float in the JSON export: {text}")

    items = json.loads(data, parse_float=no_float)
    with UnitOfWork(world.db) as uow:
        stmt = scheme_query(uow.session, InventoryFilter(), world.actors["owner"])
        expected = [scheme_dict(s) for s in uow.session.scalars(stmt.options(*SCHEME_LOADS))]
    assert items == expected and count == len(items) == 5  # with the owner's own draft
    epci = next(i for i in items if i["id"] == inventory.epci.id)
    assert epci["annual_budget"] == "12500.50"
    assert [f["amount"] for f in epci["funders"]] == ["8000.25", None]
    assert epci["territories"] == ["EPCI-249720061"]
    assert epci["updated_at"].endswith("Z")


def test_json_of_an_empty_selection_is_an_empty_array(inventory):
    data, count = export(inventory.world, "json", q="introuvable")
    assert json.loads(data) == [] and count == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_xlsx_read_back_through_the_importer_without_error(inventory, fmt):
    world = inventory.world
    data, count = export(world, fmt, actor="admin")
    with UnitOfWork(world.db) as uow:
        report = plan_import(uow, world.actors["admin"], data, f"inventaire.{fmt}")
    assert [(row.line, row.errors) for row in report.rows_with("error")] == []
    assert sum(report.counts.values()) == count


def test_a_formula_like_title_is_guarded_in_the_csv_and_comes_back_unchanged(world):
    world.scheme("recorded", title='=HYPERLINK("http://x") -- accueil +jeunes')
    data, _ = export(world, "csv", actor="admin")
    title_cell = csv_rows(data)[1][list(SCHEME_COLUMNS).index("title")]
    assert title_cell.startswith("'=HYPERLINK")
    with UnitOfWork(world.db) as uow:
        report = plan_import(uow, world.actors["admin"], data, "inventaire.csv")
    (row,) = report.rows
    assert row.data["title"] == '=HYPERLINK("http://x") -- accueil +jeunes'

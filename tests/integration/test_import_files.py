"""The census import refuses files it cannot read, at the command line too; an export re-imports."""

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cli.main import main
from engine.db.base import Base
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.importing import reader
from engine.importing.reader import UnreadableFile
from engine.models import Organisation, Scheme
from engine.queries.inventory import InventoryFilter
from engine.records.reference import load_reference
from engine.records.representation import scheme_dict
from engine.rules.policy import SYSTEM
from engine.services.exports import export_inventory
from engine.services.imports import plan_import, run_import
from engine.services.users import add_organisation
from tests.factories import World

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
HEADER = "Intitulé;Porteur;Budget (€)\r\n"


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Intitulé", "Porteur"])
    book.active.append(["Médiation", "Ville de Fort-de-France"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "rien")
    return out.getvalue()


BAD_FILES = {
    "random.bin": (
        random.Random(972).randbytes(4096),
        "Ce fichier n'est pas un tableur : ni classeur .xlsx, ni CSV.",
    ),
    "empty.csv": (b"", "Le fichier est vide."),
    "blank.csv": (b"\r\n  \r\n", "Le fichier est vide."),
    "truncated.xlsx": (
        _xlsx_bytes()[:3000],
        "Classeur Excel endommagé ou incomplet (archive illisible).",
    ),
    "other.zip": (
        _zip_without_workbook(),
        "Ce fichier n'est pas un classeur Excel (.xlsx) lisible, ni un fichier CSV.",
    ),
    "old.xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "Format Excel 97-2003 (.xls) non pris en charge : enregistrez le fichier en .xlsx ou "
        "en CSV.",
    ),
    "long.csv": (
        (HEADER + "".join(f"Action {i};Ville;{i}\r\n" for i in range(60_000))).encode(),
        "Fichier trop long : 50 000 lignes au plus.",
    ),
    "huge.csv": (
        HEADER.encode() + b"x" * (20 * 1024 * 1024),
        "Fichier trop volumineux : 20 Mo au plus.",
    ),
    "no-header.csv": (
        b"a;b;c\r\n1;2;3\r\n",
        "Aucune ligne d'en-tête reconnue dans les 20 premières lignes : la première ligne du "
        "tableau doit nommer les colonnes (Intitulé, Porteur…).",
    ),
    "header-only.csv": (HEADER.encode(), "Aucune ligne de dispositif sous la ligne d'en-tête."),
    "no-title.csv": (
        b"Porteur;Budget\r\nVille;12\r\n",
        "Colonne « Intitulé » introuvable : elle est obligatoire.",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_files_are_refused_with_one_message_and_nothing_written(
    world: World, tmp_path: Path, name: str
):
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    before = table_counts(world.db)
    for step in (plan_import, run_import):
        with UnitOfWork(world.db) as uow, pytest.raises(UnreadableFile) as refused:
            step(uow, world.actors["admin"], path, name)
        assert refused.value.message == message
    assert table_counts(world.db) == before


def test_a_named_sheet_is_read_and_a_missing_one_named(world: World):
    with UnitOfWork(world.db) as uow:
        report = plan_import(
            uow,
            world.actors["admin"],
            DATA / "recensement_robert.xlsx",
            "r.xlsx",
            sheet="Recensement",
        )
    assert report.counts["create"] == 4
    with UnitOfWork(world.db) as uow, pytest.raises(UnreadableFile) as refused:
        plan_import(uow, world.actors["admin"], DATA / "recensement_robert.xlsx", "r", sheet="X")
    assert refused.value.message == (
        "Feuille « X » introuvable ; feuilles du classeur : Recensement, Notes."
    )


def test_unknown_organisation_option_is_refused(world: World):
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        plan_import(
            uow,
            world.actors["admin"],
            DATA / "recensement_clspd.csv",
            "r.csv",
            organisation="Mairie de Nulle Part",
        )
    assert refused.value.errors == {
        "organisation": ["Structure inconnue : « Mairie de Nulle Part » (nom ou SIREN)."]
    }


# ---- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli(world: World, tmp_path: Path):
    env = {
        "MAILLAGE_DATABASE_URL": world.db.url.render_as_string(hide_password=False),
        "MAILLAGE_INSTANCE_PATH": str(tmp_path),
        "MAILLAGE_SECRET_KEY": "clé de test",
    }
    return lambda *args: CliRunner().invoke(main, ["import", *map(str, args)], env=env)


def test_cli_dry_run_then_import(cli, world: World):
    before = table_counts(world.db)
    dry = cli(DATA / "recensement_clspd.csv", "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert "simulation : rien n'a été enregistré" in dry.stdout
    assert "Ligne 4 : erreur — « Chantier éducatif »" in dry.stdout
    assert table_counts(world.db) == before
    done = cli(DATA / "recensement_clspd.csv")
    assert done.exit_code == 1
    assert "Bilan : 3 dispositif(s) créé(s) en brouillon" in done.stdout
    assert table_counts(world.db)["scheme"] == 3


def test_cli_exit_codes(cli, world: World, tmp_path: Path):
    good = tmp_path / "bon.csv"
    good.write_text("Intitulé;Porteur\nMédiation de rue;Ville de Fort-de-France\n", "utf-8-sig")
    assert cli(good, "--dry-run").exit_code == 0
    assert cli(good).exit_code == 0
    again = cli(good)
    assert again.exit_code == 0 and "1 doublon(s)" in again.stdout
    strict = cli(DATA / "recensement_clspd.csv", "--strict")
    assert strict.exit_code == 1
    assert "Import refusé" in strict.stderr
    assert table_counts(world.db)["scheme"] == 1
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    refused = cli(empty)
    assert refused.exit_code == 2
    assert refused.stderr == "Erreur : vide.csv : Le fichier est vide.\n"
    assert cli(tmp_path / "absent.csv").exit_code == 2
    assigned = cli(
        DATA / "recensement_robert.xlsx", "--organisation", "Association Horizon Jeunesse"
    )
    assert "Toutes les lignes sont rattachées à : Association Horizon Jeunesse." in assigned.stdout


# ---- round trip -----------------------------------------------------------------------------


@pytest.fixture
def second_db(database_server, database_url: str) -> Iterator[Database]:
    url = database_server.create(template=database_url)
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        database_server.drop(url)


ROUND_TRIP = [
    {},
    {
        "title": "Aide aux devoirs",
        "summary": "Soutien scolaire après la classe",
        "description": "Deux temps :\n\tdevoirs ; puis jeux (C:\\ludo, 100 % « gratuit »).",
        "themes": ["reussite_educative", "sport_culture_loisirs"],
        "publics": ["enfants", "tout_public"],
        "aid_types": ["accompagnement", "equipement"],
        "territories": ["EPCI-249720053", "COM-97231", "DEP-972"],
        "age_min": 6,
        "age_max": 11,
        "annual_budget": "12500.50",
        "funders": [
            {"name": "CAF de la Martinique", "amount": "5000.25"},
            {"organisation_id": None, "name": "Préfecture (FIPD)", "amount": None},
        ],
        "partners": [{"name": "Collège Édouard Glissant", "role": "operateur"}],
        "capacity": 40,
        "beneficiaries_last_year": 35,
        "end_date": "2025-06-30",
        "legal_basis": "Contrat de ville",
        "contact_name": "Mme Joseph",
        "contact_phone": "0696 12 34 56",
        "url": "https://example.mq/devoirs",
    },
]


def test_an_xlsx_export_imports_into_an_empty_database_unchanged(
    world: World, second_db: Database, tmp_path: Path
):
    for fields in ROUND_TRIP:
        world.scheme("draft", **fields)
    path = tmp_path / "inventaire.xlsx"
    with UnitOfWork(world.db) as uow, path.open("wb") as out:
        export_inventory(uow, world.actors["admin"], "xlsx", InventoryFilter(), out)
    with UnitOfWork(second_db) as uow:
        load_reference(uow.session)
        uow.commit()
    with world.db.session() as session:
        organisations = session.scalars(select(Organisation).order_by(Organisation.id)).all()
    for organisation in organisations:
        with UnitOfWork(second_db) as uow:
            add_organisation(uow, SYSTEM, organisation.name, organisation.kind, organisation.siren)
    with UnitOfWork(second_db) as uow:
        report = run_import(uow, SYSTEM_ADMIN, path, path.name)
    assert report.counts == {"create": 2, "error": 0, "duplicate": 0}, report.as_text()
    assert report.unknown_columns == []
    original = _inventory(world.db)
    assert _inventory(second_db) == original
    assert original["Aide aux devoirs"]["funders"] == [
        {"name": "CAF de la Martinique", "amount": "5000.25"},
        {"name": "Préfecture (FIPD)", "amount": None},
    ]
    assert original["Médiation"]["territories"] == ["COM-97209", "COM-97213"]


SYSTEM_ADMIN = SYSTEM.__class__(None, "import", frozenset({"admin"}))
COMPARED_OUT = {"id", "reference", "uuid", "state", "version", "created_at", "updated_at"}


def _inventory(db: Database) -> dict[str, dict]:
    with db.session() as session:
        schemes = session.scalars(
            select(Scheme).options(selectinload("*")).order_by(Scheme.title)
        ).all()
        return {s.title: _comparable(scheme_dict(s)) for s in schemes}


def _comparable(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k not in COMPARED_OUT}
    data["organisation"] = data["organisation"]["name"]
    for link in data["partners"] + data["funders"]:
        link.pop("organisation_id")
    return data


def test_a_workbook_unpacking_beyond_the_limit_is_refused_before_it_is_read(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(reader, "MAX_UNPACKED", 1000)
    with UnitOfWork(world.db) as uow, pytest.raises(UnreadableFile) as refused:
        plan_import(uow, world.actors["admin"], _xlsx_bytes(), "bombe.xlsx")
    assert refused.value.message == ("Classeur trop volumineux une fois décompressé.")

"""The SSMSI import: Martinique's rows kept, withheld figures never numbers, bad files refused."""

import gzip
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import NotPermitted
from engine.models import AuditEvent, CrimeFigure
from engine.services.diagnostic import (
    DiagnosticRejected,
    import_diagnostic,
    preview_diagnostic,
)
from tests.factories import World
from tests.integration.test_cli import _runner

DATA = Path(__file__).resolve().parents[2] / "demo" / "ssmsi"
COMMUNES = (DATA / "ssmsi-communes-INVENTE.csv").read_bytes()
DEPARTMENT = (DATA / "ssmsi-departement-INVENTE.csv").read_bytes()
HEADER = (DATA / "ssmsi-communes-INVENTE.csv").read_text(encoding="utf-8").splitlines()[0]


def row(code="97209", year="2024", indicator="Cambriolages de logement", count='"120"',
        rate='"1,5000000"', diffused='"diff"', complement="NA;NA") -> str:  # fmt: skip
    return (
        f'"{code}";"{year}";"{indicator}";"Infraction";{count};{rate};{diffused};"76236";'
        f'"2022";"38000";"2022";{complement}'
    )


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def load(world: World, data: bytes, name: str = "base.csv", who: str = "cotech"):
    with UnitOfWork(world.db) as uow:
        return import_diagnostic(uow, world.actors[who], data, name)


def figures(world: World, **where) -> list[CrimeFigure]:
    with UnitOfWork(world.db) as uow:
        query = select(CrimeFigure).filter_by(**where).order_by(CrimeFigure.id)
        return list(uow.session.scalars(query))


def counts(world: World) -> tuple[int, int]:
    with world.db.engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(CrimeFigure)),
            conn.scalar(select(func.count()).select_from(AuditEvent)),
        )


def test_the_national_file_keeps_martinique_and_says_what_it_skipped(world: World):
    result = load(world, COMMUNES, "ssmsi-communes.csv")
    assert result.file.level == "commune"
    assert result.file.years == [2023, 2024]
    assert result.file.skipped == 2  # a Guadeloupe and a Paris row
    assert len(result.file.figures) == 34 * 3 * 2
    stored = figures(world)
    assert len(stored) == 204
    assert {f.territory_code[:3] for f in stored} == {"972"}


def test_a_withheld_figure_is_not_a_number_nor_the_departments_hidden_mean(world: World):
    load(world, COMMUNES)
    (ajoupa,) = figures(
        world, territory_code="97201", year=2024, indicator="Violences physiques intrafamiliales"
    )
    # The row says ndiff with complement_info 4 / 1,62: neither may become this commune's figure.
    assert ajoupa.published is False
    assert ajoupa.count is None and ajoupa.rate is None
    (fdf,) = figures(
        world, territory_code="97209", year=2024, indicator="Violences physiques intrafamiliales"
    )
    assert fdf.published is True and fdf.count > 0
    assert abs(float(fdf.rate) - fdf.count * 1000 / fdf.population) < 1e-6


def test_the_departmental_file_gives_the_department_rows(world: World):
    result = load(world, DEPARTMENT)
    assert result.file.level == "department" and result.file.skipped == 1
    stored = figures(world, level="department")
    assert {f.territory_code for f in stored} == {"972"} and len(stored) == 6
    assert stored[0].rate == Decimal("2.5719797")


def test_an_import_is_an_audit_event_with_the_file_its_hash_and_counts(world: World):
    result = load(world, COMMUNES, "donnee-data.gouv-2024.csv")
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "diagnostic_import")
        ).one()
    assert event.record_type == "diagnostic"
    assert event.actor_id == world.actors["cotech"].id
    assert event.data["file_name"] == "donnee-data.gouv-2024.csv"
    assert event.data["sha256"] == result.file.sha256 and len(result.file.sha256) == 64
    assert event.data["figures"] == 204 and event.data["skipped"] == 2
    assert event.data["withheld"] == result.file.withheld > 0
    assert event.data["years"] == [2023, 2024]


def test_a_reimport_of_a_year_replaces_it_and_leaves_the_other_years(world: World):
    load(world, COMMUNES)
    again = csv_bytes(row(year="2024", count='"7"', rate='"0,1000000"'))
    result = load(world, again, "correction-2024.csv")
    assert result.replaced == 102
    assert len(figures(world, year=2024)) == 1
    assert figures(world, year=2024)[0].count == 7
    assert len(figures(world, year=2023)) == 102


def test_the_preview_writes_nothing(world: World):
    before = counts(world)
    with UnitOfWork(world.db) as uow:
        result = preview_diagnostic(uow, world.actors["cotech"], COMMUNES, "base.csv")
    assert result.written is False and len(result.file.figures) == 204
    assert "non diffusés" in result.as_text()
    assert counts(world) == before


@pytest.mark.parametrize(
    "data, expected",
    [
        (COMMUNES.replace(b";", b","), "séparateur attendu est le point-virgule"),
        (csv_bytes(row(indicator="Vols de bicyclettes")), "Ligne 2 : indicateur inconnu"),
        (csv_bytes(row(), row(code="97299")), "Ligne 3 : la commune 97299 n'est pas"),
        (csv_bytes(row(), row(count='"9"')), "Ligne 3 : même territoire, année et indicateur"),
        (csv_bytes(row(rate='"1,5";"en trop"')), "Ligne 2 : 14 colonnes au lieu de 13"),
        (csv_bytes(row(count="NA")), "Ligne 2 : nombre manquant"),
        (csv_bytes(row(diffused='"peut-être"')), "est_diffuse vaut « peut-être »"),
        (csv_bytes(row(year="deux mille")), "année « deux mille » n'est pas un nombre entier"),
        (csv_bytes(row(rate='"beaucoup"')), "taux pour mille « beaucoup » illisible"),
        (csv_bytes(row(), header="commune;annee;indicateur"), "Ligne 1 : colonnes inattendues"),
        (csv_bytes(row(code="97101")), "aucune ligne pour la Martinique"),
        ("é".encode("latin-1") + COMMUNES, "n'est pas encodé en UTF-8"),
        (b"", "Le fichier est vide."),
        (gzip.compress(b"")[:10], "Fichier illisible"),
    ],
)
def test_a_malformed_file_is_refused_with_the_row_named_and_nothing_written(
    world: World, data: bytes, expected: str
):
    load(world, COMMUNES)
    before = counts(world)
    with pytest.raises(DiagnosticRejected) as refused:
        load(world, data)
    assert any(expected in error for error in refused.value.file.errors), refused.value.file.errors
    assert counts(world) == before


def test_one_bad_row_among_good_ones_refuses_the_whole_file(world: World):
    data = COMMUNES + row(code="97299").encode() + b"\n"
    with pytest.raises(DiagnosticRejected) as refused:
        load(world, data)
    assert refused.value.file.errors == [
        "Ligne 208 : la commune 97299 n'est pas une commune de la Martinique."
    ]
    assert counts(world)[0] == 0


def test_only_the_cotech_or_an_administrator_imports(world: World):
    with pytest.raises(NotPermitted):
        load(world, COMMUNES, who="owner")
    with pytest.raises(NotPermitted):
        load(world, COMMUNES, who="copil")
    assert load(world, DEPARTMENT, who="admin").written


def test_the_command_line_imports_or_refuses_naming_the_row(world: World, tmp_path: Path):
    run = _runner(world.db.url.render_as_string(hide_password=False), tmp_path)
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(csv_bytes(row(), row(code="97299")))
    refused = run("diagnostic", "import", str(bad))
    assert refused.exit_code == 1
    assert "Ligne 3 : la commune 97299 n'est pas une commune de la Martinique." in refused.output
    assert counts(world)[0] == 0
    dry = run("diagnostic", "import", "--dry-run", str(DATA / "ssmsi-communes-INVENTE.csv"))
    assert dry.exit_code == 0 and "Chiffres à importer : 204" in dry.output
    assert counts(world)[0] == 0
    done = run("diagnostic", "import", str(DATA / "ssmsi-communes-INVENTE.csv"))
    assert done.exit_code == 0, done.output
    assert "Chiffres importés : 204" in done.output and "ignorées : 2" in done.output
    assert counts(world)[0] == 204


def test_the_gzipped_file_data_gouv_publishes_reads_the_same(world: World):
    packed = gzip.compress(COMMUNES)
    result = load(world, packed, "donnee-comm.csv.gz")
    assert len(result.file.figures) == 204 and result.file.skipped == 2
    assert result.file.sha256 == hashlib.sha256(packed).hexdigest()

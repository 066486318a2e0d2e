"""Every export is one audit event; nobody exports what they may not see; the command line."""

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from cli.main import main
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.models import AuditEvent
from engine.queries.inventory import InventoryFilter
from engine.records import audit as chain
from engine.rules.policy import Actor
from engine.services.exports import FORMATS, export_inventory
from tests.integration.export_data import varied_inventory

SECRETS = ("Brouillon confidentiel", "Brouillon de la ville")


@pytest.fixture
def inventory(world):
    return varied_inventory(world)


def export(world, fmt: str, actor: Actor, filters: InventoryFilter) -> tuple[bytes, int]:
    out = io.BytesIO()
    with UnitOfWork(world.db) as uow:
        count = export_inventory(uow, actor, fmt, filters, out)
    return out.getvalue(), count


def events(world) -> list[AuditEvent]:
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.position)))


def text_of(fmt: str, data: bytes) -> str:
    """Everything a person could read in an export, as one string."""
    if fmt != "xlsx":
        return data.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.rows for c in row)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_is_one_audit_event_with_format_filters_and_count(inventory, fmt):
    world, cotech = inventory.world, inventory.world.actors["cotech"]
    before = events(world)
    filters = InventoryFilter(states=("approved",), themes=("mediation_tranquillite",))
    _, count = export(world, fmt, cotech, filters)
    after = events(world)
    assert len(after) == len(before) + 1
    event = after[-1]
    assert (event.record_type, event.action) == ("export", "export")
    assert (event.actor_id, event.actor_label) == (cotech.id, cotech.label)
    assert event.data == {
        "format": fmt,
        "filters": {"states": ["approved"], "themes": ["mediation_tranquillite"]},
        "count": count,
    }
    assert count == 3
    with world.db.engine.connect() as conn:
        assert chain.verify(conn).ok


def test_skipped_schemes_are_named_in_the_audit_event(inventory):
    world = inventory.world
    export(world, "dispositif-aide", world.actors["admin"], InventoryFilter(states=("draft",)))
    assert events(world)[-1].data["count"] == 0
    assert len(events(world)[-1].data["skipped"]) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_drafts_of_other_organisations_never_leak(inventory, fmt):
    world = inventory.world
    every_state = InventoryFilter(states=("draft", "recorded", "approved"))
    for filters in (InventoryFilter(), every_state, InventoryFilter(q="brouillon")):
        text = text_of(fmt, export(world, fmt, world.actors["cotech"], filters)[0])
        assert not any(secret in text for secret in SECRETS)
    own = text_of(fmt, export(world, fmt, world.actors["owner"], every_state)[0])
    assert "Brouillon confidentiel" not in own
    if fmt != "dispositif-aide":  # an incomplete draft cannot be open data
        assert "Brouillon de la ville" in own


def test_an_inactive_user_exports_nothing_and_no_event_is_written(inventory):
    world = inventory.world
    cotech = world.actors["cotech"]
    inactive = Actor(cotech.id, cotech.label, cotech.roles, active=False)
    before = len(events(world))
    with pytest.raises(NotPermitted):
        export(world, "csv", inactive, InventoryFilter())
    with pytest.raises(InvalidInput):
        export(world, "pdf", cotech, InventoryFilter())
    assert len(events(world)) == before


# The command line.


@pytest.fixture
def run(inventory, tmp_path):
    env = {
        "MAILLAGE_DATABASE_URL": inventory.world.db.url.render_as_string(hide_password=False),
        "MAILLAGE_INSTANCE_PATH": str(tmp_path),
        "MAILLAGE_SECRET_KEY": "clé de test",
    }

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


def read(fmt: str, path: Path) -> list:
    """Return the exported schemes' titles."""
    if fmt == "json":
        return [item["title"] for item in json.loads(path.read_bytes())]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path)["Dispositifs"]
        return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";" if fmt == "csv" else ","))
    return [row[1] for row in rows[1:]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_exports_each_format_as_the_administrator(run, inventory, tmp_path, fmt):
    path = tmp_path / f"inventaire.{fmt}"
    result = run("export", "--format", fmt, "-o", str(path))
    assert result.exit_code == 0, result.output
    expected = 3 if fmt == "dispositif-aide" else 6  # the command line sees every draft
    assert result.stdout == f"{expected} dispositif(s) exporté(s) vers {path}\n"
    assert len(read(fmt, path)) == expected
    event = events(inventory.world)[-1]
    assert event.actor_label.startswith("ligne de commande")
    assert event.data["count"] == expected


def test_the_command_reads_every_filter(run, inventory, tmp_path):
    path = tmp_path / "filtre.csv"
    result = run(
        "export", "--format", "csv", "-o", str(path),
        "--state", "approved", "--state", "recorded",
        "--theme", "mediation_tranquillite", "--public", "professionnels",
        "--aid-type", "mediation", "--territory", "COM-97213",
        "--organisation", "219722097", "--q", "lamentin",
        "--updated-since", "2000-01-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read("csv", path) == ["Médiation au Lamentin et à Fort-de-France"]
    filters = events(inventory.world)[-1].data["filters"]
    assert filters["organisation_id"] == inventory.world.organisation_id
    assert filters["updated_since"] == datetime(2000, 1, 1, 4, tzinfo=UTC).isoformat(
        timespec="microseconds"
    )


def test_the_command_refuses_an_unknown_filter_and_writes_no_file(run, inventory, tmp_path):
    path = tmp_path / "rien.csv"
    before = len(events(inventory.world))
    result = run("export", "--format", "csv", "--theme", "inconnu", "-o", str(path))
    assert result.exit_code == 1
    assert "Code(s) inconnu(s) : inconnu." in result.stderr
    unknown = run("export", "--format", "csv", "--organisation", "Nulle part", "-o", str(path))
    assert unknown.exit_code == 1 and "structure inconnue" in unknown.stderr
    assert not path.exists()
    with UnitOfWork(inventory.world.db) as uow:
        count = uow.session.scalar(select(func.count()).select_from(AuditEvent))
    assert count == before


def test_the_command_names_drafts_left_out_of_open_data(run, tmp_path):
    path = tmp_path / "ouvert.csv"
    result = run("export", "--format", "dispositif-aide", "--state", "draft", "-o", str(path))
    assert result.exit_code == 0
    assert result.stdout.startswith("0 dispositif(s) exporté(s)")
    assert result.stderr.count("Écarté : DSP-") == 2

"""The national open-data format: valid against etalab/schema-dispositif-aide v0.2.0."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from frictionless import Resource, Schema, validate

from engine.db.uow import UnitOfWork
from engine.exporting import open_data
from engine.models import AuditEvent, Scheme
from engine.queries.inventory import InventoryFilter
from engine.services.exports import export_inventory
from tests.integration.export_data import varied_inventory

STANDARD = Path(__file__).resolve().parents[1] / "data" / "schema-dispositif-aide"


@pytest.fixture
def inventory(world):
    return varied_inventory(world)


def export(world, path: Path, actor: str = "cotech", **filters) -> tuple[int, list]:
    skipped: list[tuple[str, str]] = []
    with UnitOfWork(world.db) as uow, path.open("wb") as out:
        count = export_inventory(
            uow,
            world.actors[actor],
            "dispositif-aide",
            InventoryFilter(**filters),
            out,
            on_skip=lambda ref, why: skipped.append((ref, why)),
        )
    return count, skipped


def errors(path: Path) -> list:
    """Validate a CSV file against the schema the way `frictionless validate` does."""
    # Frictionless refuses absolute paths as unsafe: the schema is given as data, the file
    # by a relative path and its directory.
    schema = Schema.from_descriptor(json.loads((STANDARD / "schema.json").read_text("utf-8")))
    report = validate(Resource(path=path.name, basepath=str(path.parent), schema=schema))
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["titre"]: row for row in csv.DictReader(handle)}


def test_the_validator_accepts_the_shipped_example_and_refuses_a_broken_one(tmp_path):
    assert errors(STANDARD / "exemple.csv") == []
    broken = tmp_path / "casse.csv"
    shutil.copyfile(STANDARD / "exemple.csv", broken)
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("professionnels|associations", "tout le monde"),
        encoding="utf-8",
    )
    assert [e[1:3] for e in errors(broken)] == [["cibles", "constraint-error"]]


def test_the_project_copy_of_the_schema_is_the_standard(tmp_path):
    assert open_data.schema() == json.loads((STANDARD / "schema.json").read_text("utf-8"))


def test_approved_schemes_export_valid_open_data(inventory, tmp_path):
    path = tmp_path / "dispositifs.csv"
    count, skipped = export(inventory.world, path)
    assert errors(path) == []
    assert count == 3 and skipped == []  # approved only: the recorded scheme waits
    header = path.read_bytes().decode("utf-8").split("\r\n", 1)[0]
    assert header.split(",") == open_data.field_names()


def test_territories_become_cog_codes(inventory, tmp_path):
    path = tmp_path / "dispositifs.csv"
    export(inventory.world, path)
    out = rows(path)
    geo = {title: row["eligibilite_geographique"] for title, row in out.items()}
    assert geo == {
        # CACEM: Fort-de-France, Le Lamentin, Saint-Joseph, Schœlcher.
        "=SOMME(A1:A9) Parentalité au Centre": "COM-97209|COM-97213|COM-97224|COM-97229",
        "Écoute des victimes dans toute la Martinique": "DEP-972",
        "Médiation au Lamentin et à Fort-de-France": "COM-97209|COM-97213",
    }


def test_porteurs_cibles_types_and_dates_follow_the_documented_mapping(inventory, tmp_path):
    path = tmp_path / "dispositifs.csv"
    export(inventory.world, path)
    out = rows(path)
    epci = out["=SOMME(A1:A9) Parentalité au Centre"]
    assert json.loads(epci["porteurs"]) == [
        {"nom": "Ville de Fort-de-France", "siren": "219722097", "roles": ["instructeur"]},
        {
            "nom": "Collectivité Territoriale de Martinique",
            "siren": "200055507",
            "roles": ["financeur"],
        },
        {"nom": "Association des parents du Lamentin", "roles": ["opérateur"]},
        {"nom": "Association Horizon Jeunesse", "roles": ["partenaire"]},
        {"nom": "Caisse d'allocations familiales", "roles": ["financeur"]},
    ]
    assert epci["cibles"] == "particuliers"
    assert epci["types_aides"] == "assistance"  # médiation and accompagnement
    assert epci["eligibilite"].endswith("\n• Âge : de 0 à 17 ans")
    assert epci["programmes_parents"] == "FIPD|politique de la ville"
    assert (epci["date_ouverture"], epci["date_cloture"]) == ("2024-01-15T00:00:00-04:00", "")
    assert epci["date_mise_a_jour"].endswith("Z")
    everyone = out["Écoute des victimes dans toute la Martinique"]
    assert everyone["cibles"] == "professionnels|particuliers|associations"
    assert everyone["types_aides"] == "financement|formation|assistance|information"
    assert everyone["date_cloture"] == "2026-12-31T23:59:59-04:00"
    assert everyone["url_source"] == "https://victimes.example.mq/ecoute"
    assert (
        out["Médiation au Lamentin et à Fort-de-France"]["cibles"] == "professionnels|associations"
    )


def test_each_scheme_keeps_its_uuid_from_one_export_to_the_next(inventory, tmp_path):
    world = inventory.world
    export(world, tmp_path / "un.csv")
    world.fire(inventory.recorded, "review", "cotech2")
    export(world, tmp_path / "deux.csv")
    first, second = rows(tmp_path / "un.csv"), rows(tmp_path / "deux.csv")
    assert {t: r["id"] for t, r in first.items()} == {t: second[t]["id"] for t in first}
    with UnitOfWork(world.db) as uow:
        uuid = str(uow.session.get(Scheme, inventory.department.id).uuid)
    assert first["Écoute des victimes dans toute la Martinique"]["id"] == uuid


def test_chosen_states_replace_the_default_and_incomplete_drafts_are_reported(inventory, tmp_path):
    path = tmp_path / "dispositifs.csv"
    count, skipped = export(inventory.world, path, "admin", states=("recorded", "draft"))
    assert errors(path) == []
    assert list(rows(path)) == ["Sport au Robert"]
    assert count == 1
    assert [why.split(" : ")[0] for _, why in skipped] == ["champ(s) requis vide(s)"] * 2
    assert "description" in skipped[0][1]


def test_the_default_selection_is_audited_as_approved(inventory, tmp_path):
    export(inventory.world, tmp_path / "dispositifs.csv")
    with UnitOfWork(inventory.world.db) as uow:
        event = uow.session.query(AuditEvent).order_by(AuditEvent.position.desc()).first()
    assert event.data["filters"] == {"states": ["approved"]}


def test_an_empty_selection_is_a_valid_file(world, tmp_path):
    path = tmp_path / "vide.csv"
    assert export(world, path)[0] == 0
    assert path.read_text(encoding="utf-8").count("\n") == 1

"""The census import on a database: reports, dry runs, drafts written and audited, refusals."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db.base import Base
from engine.db.uow import UnitOfWork
from engine.errors import NotPermitted
from engine.models import AuditEvent, Organisation, Scheme
from engine.records import audit
from engine.services.imports import ImportRejected, plan_import, run_import
from engine.services.records import create_scheme
from tests.factories import World

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
CSV = DATA / "recensement_clspd.csv"
XLSX = DATA / "recensement_robert.xlsx"
THEMES = (
    "thématique de la liste : prévention de la délinquance des jeunes ; soutien à la "
    "parentalité ; réussite éducative et décrochage scolaire ; insertion sociale et "
    "professionnelle ; prévention de la récidive et réinsertion ; aide aux victimes ; violences "
    "intrafamiliales et faites aux femmes ; addictions et conduites à risque ; médiation sociale "
    "et tranquillité publique ; sport, culture et loisirs ; santé et santé mentale ; logement et "
    "hébergement ; citoyenneté et numérique (cyber-harcèlement)"
)
PLACES = (
    "commune (nom ou code INSEE), intercommunalité (CACEM, CAP Nord, Espace Sud) ou « Toute la "
    "Martinique »"
)
AMOUNT = "montant en euros (ex. 12 500,50 € ou 12 k€)"
EMAIL = "adresse électronique (ex. contact@exemple.fr)"


def plan(world: World, path: Path = CSV, who: str = "admin", **options):
    with UnitOfWork(world.db) as uow:
        return plan_import(uow, world.actors[who], path, path.name, **options)


def run(world: World, path: Path = CSV, who: str = "admin", **options):
    with UnitOfWork(world.db) as uow:
        return run_import(uow, world.actors[who], path.read_bytes(), path.name, **options)


def table_counts(world: World) -> dict[str, int]:
    with world.db.engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }


def outcome(report) -> list[tuple]:
    return [(r.line, r.status, r.errors, r.duplicate_of, r.new_organisation) for r in report.rows]


# ---- what the dry run reports ---------------------------------------------------------------


def test_semicolon_windows_csv_is_reported_row_by_row(world: World):
    report = plan(world)
    assert outcome(report) == [
        (2, "create", [], None, None),
        (3, "create", [], None, None),
        (
            4,
            "error",
            [
                ("Budget (€)", "douze mille", AMOUNT),
                ("Date de début", "31/02/2022", "date (ex. 15/03/2022)"),
            ],
            None,
            "Association Ansanm",  # would be new; the row is not imported
        ),
        (5, "create", [], None, "Association Ansanm"),
        (6, "duplicate", [], "ligne 2", None),
        (
            7,
            "error",
            [
                ("Thématique", "Pétanque", THEMES),
                ("Communes concernées", "Paris", PLACES),
                ("Courriel", "contact@", EMAIL),
            ],
            None,
            None,
        ),
    ]
    assert report.counts == {"create": 3, "error": 2, "duplicate": 1}
    assert report.unknown_columns == ["Observations"]
    assert [(o.name, o.kind) for o in report.new_organisations] == [
        ("Association Ansanm", "association")
    ]
    assert report.rows[0].data == {
        "title": "Médiateurs de nuit",
        "themes": ["mediation_tranquillite"],
        "publics": ["adolescents", "jeunes_adultes"],
        "aid_types": ["mediation"],
        "territories": ["COM-97209", "COM-97229"],
        "annual_budget": Decimal("12500.50"),
        "start_date": date(2022, 3, 15),
        "contact_email": "mediation@fdf.mq",
        "contact_phone": "0596 60 00 00",
    }
    assert report.rows[0].organisation_id == world.organisation_id
    assert report.rows[1].data["annual_budget"] == Decimal("12000.00")
    assert report.rows[1].data["territories"] == ["COM-97213"]
    assert report.rows[3].data["territories"] == ["COM-97231"]


def test_csv_report_text(world: World):
    assert plan(world).as_text() == "\n".join(
        [
            "Import de « recensement_clspd.csv », en-têtes en ligne 1 — simulation : rien n'a "
            "été enregistré.",
            "Colonnes non reconnues, ignorées : Observations",
            "Nouvelles structures à créer : Association Ansanm (association)",
            "",
            "Ligne 2 : à créer — « Médiateurs de nuit » — Ville de Fort-de-France",
            "Ligne 3 : à créer — « Atelier des parents » — Association Horizon Jeunesse",
            "Ligne 4 : erreur — « Chantier éducatif »",
            f"  - Budget (€) : « douze mille » — attendu : {AMOUNT}",
            "  - Date de début : « 31/02/2022 » — attendu : date (ex. 15/03/2022)",
            "Ligne 5 : à créer — « Soutien scolaire » — Association Ansanm (nouvelle structure)",
            "Ligne 6 : doublon de la ligne 2, ignoré — « médiateurs de nuit » — Ville de "
            "Fort-de-France",
            "Ligne 7 : erreur — « Pétanque pour tous »",
            f"  - Thématique : « Pétanque » — attendu : {THEMES}",
            f"  - Communes concernées : « Paris » — attendu : {PLACES}",
            f"  - Courriel : « contact@ » — attendu : {EMAIL}",
            "",
            "Bilan : 3 dispositif(s) à créer en brouillon, 2 ligne(s) en erreur, 1 doublon(s) "
            "ignoré(s).",
        ]
    )


def test_xlsx_with_title_rows_misspelt_communes_and_an_existing_scheme(world: World):
    existing = world.scheme("draft", title="Médiation")
    with world.db.session() as session:
        reference = session.get(Scheme, existing.id).reference
    report = plan(world, XLSX)
    assert (report.sheet, report.header_line) == ("Recensement", 3)
    assert outcome(report) == [
        (4, "create", [], None, "Ville du Robert"),
        (5, "create", [], None, None),
        (6, "create", [], None, None),
        (
            7,
            "error",
            [
                ("Budget annuel (€)", "-5", AMOUNT),
                ("Courriel de contact", "pas-un-courriel", EMAIL),
            ],
            None,
            "Ville du Robert",
        ),
        (8, "duplicate", [], reference, None),
    ]
    assert report.unknown_columns == ["Remarques"]
    assert [(o.name, o.kind) for o in report.new_organisations] == [("Ville du Robert", "commune")]
    first, second, third, fourth = (r.data for r in report.rows[:4])
    assert first["territories"] == ["COM-97213", "COM-97229"]
    assert first["start_date"] == date(2022, 3, 15)  # an Excel date cell
    assert first["annual_budget"] == Decimal("15000.00")
    assert second["territories"] == ["EPCI-249720061"]
    assert second["annual_budget"] == Decimal("1200000.00")
    assert third["territories"] == ["DEP-972"]
    assert third["start_date"] == date(2022, 1, 1)  # Excel's day number 44562
    assert third["themes"] == ["sport_culture_loisirs"]
    assert third["aid_types"] == ["equipement"]
    assert fourth["territories"] == ["EPCI-200041788", "EPCI-249720053", "COM-97231", "COM-97213"]


def test_dry_run_writes_nothing(world: World):
    before = table_counts(world)
    with world.db.engine.connect() as conn:
        head = audit.checkpoint(conn)
    plan(world)
    plan(world, XLSX)
    assert table_counts(world) == before
    with world.db.engine.connect() as conn:
        assert audit.checkpoint(conn) == head


# ---- what the import writes -----------------------------------------------------------------


def test_import_writes_audited_drafts_and_creates_new_organisations(world: World):
    with world.db.engine.connect() as conn:
        start = audit.checkpoint(conn).position
    report = run(world)
    assert report.written and report.counts == {"create": 3, "error": 2, "duplicate": 1}
    with world.db.session() as session:
        schemes = session.scalars(select(Scheme).order_by(Scheme.id)).all()
        assert [(s.title, s.state, s.organisation.name) for s in schemes] == [
            ("Médiateurs de nuit", "draft", "Ville de Fort-de-France"),
            ("Atelier des parents", "draft", "Association Horizon Jeunesse"),
            ("Soutien scolaire", "draft", "Association Ansanm"),
        ]
        assert schemes[0].search_text == "mediateurs de nuit"
        assert [t.cog for t in schemes[0].territories] == ["COM-97209", "COM-97229"]
        ansanm = select(Organisation.kind).where(Organisation.name == "Association Ansanm")
        assert session.scalar(ansanm) == "association"
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.position > start).order_by(AuditEvent.position)
        ).all()
    assert [(e.record_type, e.action) for e in events] == [
        ("organisation", "organisation_create"),
        ("scheme", "create"),
        ("scheme", "create"),
        ("scheme", "create"),
        ("import", "import"),
    ]
    assert events[1].data == {"import": report.checksum, "line": 2}
    assert events[1].record_reference == schemes[0].reference == report.rows[0].reference
    assert events[-1].data == {
        "file": "recensement_clspd.csv",
        "sheet": None,
        "checksum": report.checksum,
        "created": 3,
        "errors": 2,
        "duplicates": 1,
        "organisation": None,
        "new_organisations": ["Association Ansanm"],
        "strict": False,
    }
    with world.db.engine.connect() as conn:
        assert audit.verify(conn).ok


def test_creation_events_are_those_create_scheme_writes(world: World):
    report = run(world, XLSX)
    row = report.rows[0]
    with UnitOfWork(world.db) as uow:
        data = {**row.data, "title": "Même chose", "organisation_id": row.organisation_id}
        reference = create_scheme(uow, world.actors["admin"], data).reference
    with world.db.session() as session:
        imported, single = (
            session.scalar(select(AuditEvent).where(AuditEvent.record_reference == ref))
            for ref in (row.reference, reference)
        )
    single.changes["title"]["after"] = row.data["title"]
    assert imported.changes == single.changes
    assert (imported.action, imported.to_state, imported.from_state) == ("create", "draft", None)


def test_reimporting_the_same_file_creates_nothing(world: World):
    first = run(world)
    counts = table_counts(world)
    again = run(world)
    assert again.counts == {"create": 0, "error": 2, "duplicate": 4}
    assert [r.duplicate_of for r in again.rows_with("duplicate")] == [
        r.reference for r in first.rows_with("create")
    ] + [first.rows[0].reference]
    assert table_counts(world)["scheme"] == counts["scheme"]
    assert table_counts(world)["organisation"] == counts["organisation"]


def test_strict_import_with_a_bad_row_writes_nothing(world: World):
    before = table_counts(world)
    with pytest.raises(ImportRejected) as refused:
        run(world, strict=True)
    assert refused.value.report.counts["error"] == 2
    assert "ligne 4" in refused.value.errors
    assert table_counts(world) == before


def test_organisation_option_assigns_every_row(world: World):
    report = run(world, XLSX, organisation="219722097")
    assert report.organisation == "Ville de Fort-de-France"
    assert not report.new_organisations
    assert {r.organisation_id for r in report.rows} == {world.organisation_id}
    with world.db.session() as session:
        owners = set(session.scalars(select(Scheme.organisation_id)))
    assert owners == {world.organisation_id}


@pytest.mark.parametrize("who", ["owner", "copil", "other_owner"])
def test_owners_and_copil_may_not_import(world: World, who: str):
    with pytest.raises(NotPermitted):
        plan(world, who=who)
    with pytest.raises(NotPermitted):
        run(world, who=who)


def test_cotech_imports_drafts_for_any_organisation(world: World):
    report = run(world, who="cotech")
    assert report.counts["create"] == 3
    with world.db.session() as session:
        creators = set(session.scalars(select(Scheme.created_by_id)))
    assert creators == {world.actors["cotech"].id}


def test_cotech_imports_for_an_organisation_but_may_not_record_a_scheme_for_it_by_hand(
    world: World,
):
    data = {"title": "Médiation", "organisation_id": world.organisation_id}
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        create_scheme(uow, world.actors["cotech"], data)
    report = run(world, XLSX, who="cotech", organisation="219722097")
    assert report.written and report.counts["create"] == 4


def test_a_misspelt_commune_is_refused_with_a_suggestion_in_the_dry_run(world):
    from engine.db.uow import UnitOfWork
    from engine.rules.policy import Actor
    from engine.services.imports import plan_import

    csv = "Intitulé;Porteur;Communes concernées\nMédiation;Ville de Fort-de-France;Sainte-Lucie\n"
    with UnitOfWork(world.db) as uow:
        report = plan_import(uow, world.actors["admin"], csv.encode(), "recensement.csv")
    (row,) = report.rows
    assert row.status == "error"
    ((column, value, expected),) = row.errors
    assert (column, value) == ("Communes concernées", "Sainte-Lucie")
    assert expected.endswith("« Sainte-Lucie » : vouliez-vous dire Sainte-Luce ?")
    assert isinstance(world.actors["admin"], Actor)


def test_a_large_import_is_chained_and_verifiable_event_by_event(world):
    from engine.db.uow import UnitOfWork
    from engine.models import AuditEvent
    from engine.records import audit
    from engine.services.imports import run_import

    lines = ["Intitulé;Porteur;Budget (€);Date de début;Communes concernées"]
    lines += [
        f"Action n°{i};Ville de Fort-de-France;{i} 000,50 €;15/03/2022;Le Lamentin"
        for i in range(1, 81)
    ]
    with UnitOfWork(world.db) as uow:
        report = run_import(uow, world.actors["admin"], "\n".join(lines).encode(), "grand.csv")
    assert report.counts["create"] == 80
    with UnitOfWork(world.db) as uow:
        assert audit.verify(uow.connection).ok
        event = (
            uow.session.query(AuditEvent).filter_by(action="create", record_reference=None).first()
        )
        created = (
            uow.session.query(AuditEvent)
            .filter_by(action="create")
            .order_by(AuditEvent.position.desc())
            .first()
        )
    assert event is None
    assert created.changes["annual_budget"] == {"before": None, "after": "80000.50"}
    assert created.changes["territories"] == {"before": [], "after": ["COM-97213"]}


def test_a_duplicate_of_a_draft_the_importer_cannot_open_is_reported_without_its_reference(
    world,
):
    from engine.db.uow import UnitOfWork
    from engine.services.imports import plan_import

    world.scheme("draft", title="Médiation confidentielle")
    csv = "Intitulé;Porteur\nMédiation confidentielle;Ville de Fort-de-France\n"
    with UnitOfWork(world.db) as uow:
        by_cotech = plan_import(uow, world.actors["cotech"], csv.encode(), "r.csv")
    with UnitOfWork(world.db) as uow:
        by_admin = plan_import(uow, world.actors["admin"], csv.encode(), "r.csv")
    assert by_cotech.rows[0].status == by_admin.rows[0].status == "duplicate"
    assert "DSP-" not in by_cotech.as_text()
    assert "doublon d'un brouillon que vous ne pouvez pas consulter" in by_cotech.as_text()
    assert by_admin.rows[0].duplicate_of.startswith("DSP-")

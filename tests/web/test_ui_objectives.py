"""The objectives' pages: the list, the form with its French errors, an objective's page with its
indicators, values and milestones, the progress page with its SVG charts and the coverage gap."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import Milestone, Objective
from engine.objectives.services import add_indicator, add_milestone, create_objective
from engine.services.users import set_locale


def _today(world):
    with UnitOfWork(world.db) as uow:
        return local(uow.clock()).date()


@pytest.fixture
def objective(world):
    world.scheme(
        "approved",
        title="Médiation FdF",
        themes=["mediation_tranquillite"],
        publics=["adolescents"],
        territories=["COM-97209"],
    )
    copil = world.actors["copil"]
    with UnitOfWork(world.db) as uow:
        objective_id = create_objective(
            uow,
            copil,
            {
                "title": "Une médiation dans chaque commune",
                "organisation_id": world.organisation_id,
                "themes": ["mediation_tranquillite"],
                "publics": ["adolescents"],
            },
        ).id
    with UnitOfWork(world.db) as uow:
        add_indicator(
            uow,
            copil,
            objective_id,
            {
                "title": "Communes couvertes",
                "kind": "computed",
                "measure": "coverage_share",
                "baseline": "0",
                "target": "100",
            },
        )
    with UnitOfWork(world.db) as uow:
        add_indicator(
            uow,
            copil,
            objective_id,
            {
                "title": "Jeunes suivis",
                "kind": "reported",
                "organisation_id": world.organisation_id,
                "target": "50",
            },
        )
    with UnitOfWork(world.db) as uow:
        add_milestone(
            uow,
            copil,
            objective_id,
            {
                "title": "Diagnostic partagé",
                "due_on": _today(world) - timedelta(days=3),
                "organisation_id": world.organisation_id,
            },
        )
    return objective_id


def test_the_copil_creates_an_objective_and_errors_are_french_with_input_kept(ui, world):
    copil = ui("copil")
    form = copil.get("/objectifs/nouveau")
    assert form.status_code == 200
    bad = copil.post(
        "/objectifs/nouveau",
        data={
            "title": "Mon objectif",
            "organisation_id": "",
            "target_date": "31/02/2027",
            "themes": ["mediation_tranquillite"],
        },
    )
    page = unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "Cette date n'existe pas : 31/02/2027." in page
    assert 'value="Mon objectif"' in page and 'value="mediation_tranquillite" checked' in page
    good = copil.post(
        "/objectifs/nouveau",
        data={
            "title": "Mon objectif",
            "organisation_id": str(world.organisation_id),
            "target_date": "31/12/2027",
            "territory": "EPCI-249720061",
        },
    )
    assert good.status_code == 303
    with UnitOfWork(world.db) as uow:
        created = uow.session.scalars(select(Objective)).one()
        assert created.territory.code == "249720061" and created.target_date.year == 2027


def test_owners_may_not_create_objectives(ui):
    assert ui("owner").get("/objectifs/nouveau").status_code == 403


def test_an_objectives_page_shows_charts_values_and_the_coverage_gap(ui, objective):
    page = unescape(ui("owner").get(f"/objectifs/{objective}").get_data(as_text=True))
    assert "<svg" in page and "<title" in page and "Communes couvertes" in page
    assert "2,94" in page  # Fort-de-France of 34 communes, recomputed
    assert "33 communes non couvertes sur 34" in page and "Le Marin" in page
    assert "en retard" in page and "Diagnostic partagé" in page
    assert "Saisir une valeur" in page  # the owner of the indicator's organisation
    assert "Ajouter un indicateur" not in page  # the COPIL's


def test_an_owner_reports_a_value_and_a_bad_one_is_refused_in_french(ui, world, objective):
    with UnitOfWork(world.db) as uow:
        indicator_id = _reported(uow, objective)
    owner = ui("owner")
    owner.get(f"/objectifs/{objective}")
    path = f"/objectifs/{objective}/indicateurs/{indicator_id}/valeurs"
    day = (_today(world) - timedelta(days=1)).strftime("%d/%m/%Y")
    unreadable = owner.post(path, data={"value": "12", "measured_on": "demain", "source": "x"})
    assert unreadable.status_code == 422
    assert "Date attendue au format jj/mm/aaaa" in unescape(unreadable.get_data(as_text=True))
    bad = owner.post(path, data={"value": "beaucoup", "measured_on": day, "source": ""})
    page = unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "La valeur n'a pas été enregistrée" in page and "Nombre attendu." in page
    assert 'value="beaucoup"' in page and "Ce champ est obligatoire." in page
    good = owner.post(path, data={"value": "12,5", "measured_on": day, "source": "Bilan"})
    assert good.status_code == 303
    page = unescape(owner.get(f"/objectifs/{objective}").get_data(as_text=True))
    assert "12,5" in page and "Bilan" in page
    other = ui("other_owner")
    other.get(f"/objectifs/{objective}")
    assert (
        other.post(path, data={"value": "1", "measured_on": day, "source": "x"}).status_code == 403
    )


def _reported(uow, objective_id):
    return uow.session.get(Objective, objective_id).indicators[1].id


def test_the_owner_marks_a_late_milestone_done(ui, world, objective):
    owner = ui("owner")
    assert "Étape en retard : Diagnostic partagé" in unescape(
        owner.get("/a-traiter").get_data(as_text=True)
    )
    with UnitOfWork(world.db) as uow:
        milestone_id = uow.session.scalar(select(Milestone.id))
    owner.get(f"/objectifs/{objective}")
    done = owner.post(f"/objectifs/{objective}/etapes/{milestone_id}/faite", data={"done_on": ""})
    assert done.status_code == 303
    assert "Diagnostic partagé" not in unescape(owner.get("/a-traiter").get_data(as_text=True))


def test_the_copil_adds_an_indicator_and_adopts(ui, world, objective):
    copil = ui("copil")
    copil.get(f"/objectifs/{objective}")
    bad = copil.post(f"/objectifs/{objective}/indicateurs", data={"title": "X", "kind": "computed"})
    assert bad.status_code == 422
    assert "Choisissez la mesure calculée." in unescape(bad.get_data(as_text=True))
    good = copil.post(
        f"/objectifs/{objective}/indicateurs",
        data={
            "title": "Part couverte",
            "kind": "computed",
            "measure": "coverage_share",
            "unit": "",
            "target": "100",
        },
    )
    assert good.status_code == 303
    with UnitOfWork(world.db) as uow:
        added = uow.session.get(Objective, objective).indicators[-1]
        assert (added.title, added.unit) == ("Part couverte", "%")  # the measure's unit
        version = uow.session.get(Objective, objective).version
    adopted = copil.post(f"/objectifs/{objective}/transitions/adopt", data={"version": version})
    assert adopted.status_code == 303
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(Objective, objective).state == "adopted"


def test_the_progress_page_draws_each_indicator_and_the_gap(ui, objective):
    page = unescape(ui("cotech").get("/objectifs/avancement").get_data(as_text=True))
    assert page.count("<svg") == 2 and page.count('class="cible"') == 2
    assert "Valeurs de « Communes couvertes »" in page  # the table beside each chart
    assert "33 communes non couvertes sur 34" in page
    assert "1 étape en retard" in page


def test_the_list_counts_late_milestones(ui, objective):
    page = unescape(ui("cotech").get("/objectifs").get_data(as_text=True))
    assert "Une médiation dans chaque commune" in page and 'class="etape-en-retard">1<' in page


def test_the_dashboard_names_late_milestones(ui, objective):
    page = unescape(ui("copil").get("/tableau-de-bord").get_data(as_text=True))
    assert "Étapes en retard" in page and "Diagnostic partagé" in page


def test_the_progress_page_reads_in_english(ui, world, objective):
    with UnitOfWork(world.db) as uow:
        set_locale(uow, world.actors["cotech"], "en")
    page = unescape(ui("cotech").get("/objectifs/avancement").get_data(as_text=True))
    assert '<html lang="en">' in page and "Progress of the objectives" in page
    assert "33 municipalities of 34 not covered" in page and "1 late milestone" in page

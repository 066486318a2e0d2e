"""The diagnostic: rates beside the coverage of the matching themes, and the gaps."""

from decimal import Decimal

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import VocabularyTerm
from engine.queries.dashboard import count_coverage, coverage, coverage_of, forget_coverage
from engine.queries.diagnostic import diagnostic
from engine.services.diagnostic import import_diagnostic
from tests.factories import World

COMMUNE_HEADER = (
    "CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux"
)
DEPARTMENT_HEADER = (
    "Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;"
    "insee_pop;insee_pop_millesime;insee_log;insee_log_millesime"
)
VIF = "Violences physiques intrafamiliales"


def commune(code: str, rate: str | None, year: int = 2024, indicator: str = VIF) -> str:
    start = f'"{code}";"{year}";"{indicator}";"Victime";'
    if rate is None:  # withheld, the département's mean of hidden communes beside
        return start + 'NA;NA;"ndiff";"1000";"2022";"500";"2022";"9";"9,9"'
    return start + f'"10";"{rate}";"diff";"1000";"2022";"500";"2022";NA;NA'


def load(world: World, header: str, *rows: str) -> None:
    data = ("\n".join([header, *rows]) + "\n").encode()
    with UnitOfWork(world.db) as uow:
        import_diagnostic(uow, world.actors["cotech"], data, "test.csv")


def read(world: World, indicator: str | None = None, year: int | None = None):
    forget_coverage()
    with UnitOfWork(world.db) as uow:
        return diagnostic(uow.session, indicator, year)


def line(result, code: str):
    return next(line for line in result.lines if line.code == code)


def test_a_commune_above_the_department_with_no_matching_scheme_is_a_gap(world: World):
    department = f'"972";"02";"2024";"{VIF}";"Victime";"900";"2,5";"349925";"2022";"180000";"2022"'
    load(world, DEPARTMENT_HEADER, department)
    load(
        world,
        COMMUNE_HEADER,
        commune("97201", "4,0"),  # L'Ajoupa-Bouillon: above, nothing covers it: a gap
        commune("97209", "6,0"),  # Fort-de-France: above, covered below by an approved scheme
        commune("97213", "5,0"),  # Le Lamentin: above, covered by a scheme under review (CACEM)
        commune("97229", "1,0"),  # Schœlcher: below the département
        commune("97203", None),  # Basse-Pointe: withheld, never compared
    )
    world.scheme("approved", themes=["violences_intrafamiliales"], territories=["COM-97209"])
    world.scheme("recorded", themes=["aide_victimes"], territories=["EPCI-249720061"])
    # A scheme of another theme, or a draft, covers nothing here.
    world.scheme("approved", themes=["addictions"], territories=["COM-97201"])
    world.scheme("draft", themes=["violences_intrafamiliales"], territories=["COM-97201"])
    result = read(world)
    assert result.indicator.name == VIF and result.year == 2024
    assert result.department.rate == Decimal("2.5")
    assert [g.code for g in result.gaps] == ["97201"]
    fdf, lamentin = line(result, "97209"), line(result, "97213")
    assert fdf.above and fdf.covered and not fdf.gap
    assert [(t.code, t.cell.approved, t.cell.in_progress) for t in fdf.coverage] == [
        ("violences_intrafamiliales", 1, 0),
        ("aide_victimes", 0, 1),  # the CACEM's scheme under review covers Fort-de-France too
    ]
    assert lamentin.above and lamentin.coverage[1].cell.in_progress == 1 and not lamentin.gap
    assert not line(result, "97229").above
    withheld = line(result, "97203")
    assert withheld.withheld and withheld.figure.rate is None and not withheld.above
    # A commune the file does not name is shown, without a figure.
    assert line(result, "97234").figure is None
    assert len(result.lines) == 34


def test_without_the_department_rate_no_gap_is_claimed(world: World):
    load(world, COMMUNE_HEADER, commune("97201", "40,0"))
    result = read(world)
    assert result.department is None and result.gaps == []


def test_the_indicator_and_year_choices_follow_the_data(world: World):
    assert read(world).empty
    load(
        world,
        COMMUNE_HEADER,
        commune("97201", "1,0", 2023),
        commune("97201", "2,0", 2024),
        commune("97201", "3,0", 2024, "Usage de stupéfiants"),
    )
    result = read(world)
    assert result.choices == {VIF: [2024, 2023], "Usage de stupéfiants": [2024]}
    assert read(world, VIF, 2023).year == 2023
    assert line(read(world, VIF, 2023), "97201").figure.rate == Decimal("1.0")
    # An unknown indicator or a year without figures falls back to what exists.
    assert read(world, "Vols de bicyclettes", 1999).indicator.name == VIF
    usage = read(world, "Usage de stupéfiants", 2023)
    assert usage.year == 2024 and usage.indicator.themes == ("addictions",)


def test_the_matching_themes_counted_alone_match_the_whole_matrix(world: World):
    # A scheme naming a commune and its EPCI counts once there (the matrix's correction).
    both = ["COM-97209", "EPCI-249720061"]
    world.scheme("approved", themes=["aide_victimes", "addictions"], territories=both)
    world.scheme("recorded", themes=["violences_intrafamiliales"], territories=["DEP-972"])
    world.scheme("reviewed", themes=["addictions"], territories=["COM-97213"])
    with UnitOfWork(world.db) as uow:
        ids = set(
            uow.session.scalars(
                select(VocabularyTerm.id).where(
                    VocabularyTerm.code.in_(["aide_victimes", "violences_intrafamiliales"])
                )
            )
        )
        forget_coverage()
        alone = coverage_of(uow.session, ids)  # nothing kept: these themes counted alone
        whole = {k: c for k, c in count_coverage(uow.session).items() if k[1] in ids}
        kept = coverage(uow.session)  # now kept: read from the matrix
        assert alone == whole == {k: c for k, c in kept.items() if k[1] in ids}
        assert coverage_of(uow.session, ids) == alone
    assert len(alone) == 34 + 4  # every commune (Martinique-wide), the CACEM's once more

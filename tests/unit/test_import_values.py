"""Cell values as people type them, and headers as they write them, read by the census import."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from engine.importing import values
from engine.importing.headers import match
from engine.importing.lookups import territories, vocabulary
from engine.importing.reader import UnreadableFile, read_table
from engine.models import Territory, VocabularyTerm
from engine.records.reference import THEMES


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12 500,50 €", "12500.50"),
        ("12\u202f500,50\u00a0€", "12500.50"),
        ("12500.5", "12500.50"),
        ("12 k€", "12000.00"),
        ("1,2 M€", "1200000.00"),
        ("1.250.000", "1250000.00"),
        ("1.250,50 EUR", "1250.50"),
        ("3 000 euros", "3000.00"),
        (12500.5, "12500.50"),
        (0.1 + 0.2, "0.30"),
        (15000, "15000.00"),
        ("NC", None),
        ("-", None),
        (None, None),
    ],
)
def test_amounts(cell, expected):
    assert values.amount(cell) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize("cell", ["douze mille", "-5", -5, "12,345", "12 € par mois", True])
def test_bad_amounts(cell):
    with pytest.raises(values.BadValue):
        values.amount(cell)


@pytest.mark.parametrize(
    ("cell", "last", "expected"),
    [
        ("15/03/2022", False, date(2022, 3, 15)),
        ("15-03-22", False, date(2022, 3, 15)),
        ("2022-03-15", False, date(2022, 3, 15)),
        ("2022-03-15 00:00:00", False, date(2022, 3, 15)),
        (datetime(2022, 3, 15), False, date(2022, 3, 15)),
        (44635, False, date(2022, 3, 15)),
        ("15 mars 2022", False, date(2022, 3, 15)),
        ("1er février 2023", False, date(2023, 2, 1)),
        ("mars 2022", True, date(2022, 3, 31)),
        ("02/2024", True, date(2024, 2, 29)),
        ("2022", False, date(2022, 1, 1)),
        (2022, True, date(2022, 12, 31)),
    ],
)
def test_dates(cell, last, expected):
    assert values.day(cell, last=last) == expected


@pytest.mark.parametrize("cell", ["31/02/2022", "bientôt", "15/13/2022", 12])
def test_bad_dates(cell):
    with pytest.raises(values.BadValue):
        values.day(cell)


def test_numbers_phones_and_addresses():
    assert values.integer("1 200") == 1200
    assert values.integer("12 ans", unit="ans") == 12
    assert values.integer(40.0) == 40
    with pytest.raises(values.BadValue):
        values.integer("environ 40")
    assert values.phone(596601234) == "0596601234"
    assert values.web_address("www.example.mq") == "https://www.example.mq"
    assert values.pieces("a; b / c\nd, 12,5 e") == ["a", "b", "c", "d", "12,5 e"]
    assert values.items("Ville, CCAS (12 000,50 €) ; CAF\nCTM") == [
        "Ville, CCAS (12 000,50 €)",
        "CAF",
        "CTM",
    ]
    assert values.items("CAF, CTM / Préfecture") == ["CAF", "CTM", "Préfecture"]


def _places():
    epci = [
        Territory(
            kind="epci", code="249720061", name="CA du Centre de la Martinique", short_name="CACEM"
        ),
        Territory(
            kind="epci",
            code="249720053",
            name="CA de l'Espace Sud de la Martinique",
            short_name="Espace Sud (CAESM)",
        ),
        Territory(
            kind="epci",
            code="200041788",
            name="CA du Pays Nord Martinique",
            short_name="CAP Nord Martinique",
        ),
    ]
    communes = [
        Territory(kind="commune", code=code, name=name)
        for code, name in [
            ("97213", "Le Lamentin"),
            ("97229", "Schœlcher"),
            ("97231", "Les Trois-Îlets"),
            ("97227", "Sainte-Luce"),
            ("97201", "L'Ajoupa-Bouillon"),
        ]
    ]
    return territories(
        [Territory(kind="department", code="972", name="Martinique"), *epci, *communes]
    )


@pytest.mark.parametrize(
    ("cell", "cogs"),
    [
        ("LE LAMENTIN", ["COM-97213"]),
        ("Lamentin", ["COM-97213"]),
        ("Schoelcher / Trois Ilets", ["COM-97229", "COM-97231"]),
        ("Ste Luce, Ajoupa Bouillon", ["COM-97227", "COM-97201"]),
        ("97213", ["COM-97213"]),
        (
            "CACEM; CAP Nord; Espace Sud; CAESM",
            ["EPCI-249720061", "EPCI-200041788", "EPCI-249720053"],
        ),
        ("Toute la Martinique", ["DEP-972"]),
    ],
)
def test_territories_by_what_people_write(cell, cogs):
    assert _places().find_all(cell) == (cogs, [])


def test_unknown_territories_are_named():
    assert _places().find_all("Lamentin; Paris") == (["COM-97213"], ["Paris"])


def test_a_misspelt_commune_is_never_accepted_but_its_likely_meaning_is_suggested():
    places = _places()
    assert places.find_all("Lamantin") == ([], ["Lamantin"])
    assert places.suggest("Lamantin") == "COM-97213"
    # The neighbouring island is one letter from a commune: refused, with the hint shown.
    assert places.find_all("Sainte-Lucie") == ([], ["Sainte-Lucie"])
    assert places.suggest("Sainte-Lucie") == "COM-97227"
    assert places.suggest("Paris") is None


def test_vocabulary_by_label_code_or_an_unambiguous_part():
    themes = vocabulary(
        VocabularyTerm(vocabulary="theme", code=c, label_fr=fr, label_en=en) for c, fr, en in THEMES
    )
    assert themes.find_all("Sport, culture et loisirs / insertion") == (
        ["sport_culture_loisirs", "insertion"],
        [],
    )
    assert themes.find_all("sante; Réussite éducative; parentalité") == (
        ["sante", "reussite_educative", "soutien_parentalite"],
        [],
    )
    assert themes.find_all("prévention") == ([], ["prévention"])  # two themes start so


def test_headers_by_label_synonym_and_odd_punctuation():
    columns = match(
        (
            "Intitulé du dispositif",
            "STRUCTURE PORTEUSE",
            " Budget (€) ",
            "Date de début :",
            "Public visé",
            "Communes concernées",
            "État",
            "Observations",
            "Porteur",
            None,
        )
    )
    assert columns.fields == {
        0: "title",
        1: "organisation",
        2: "annual_budget",
        3: "start_date",
        4: "publics",
        5: "territories",
    }
    assert columns.ignored == ["État"]
    assert columns.unknown == ["Observations", "Porteur (en double)"]


def test_csv_with_comma_and_bom_and_a_title_row():
    content = '\ufeffRecensement 2024\n\nIntitulé,Porteur,Budget\n"A, B",Ville,"12,5"\n'
    table = read_table(content.encode("utf-8"))
    assert (table.header_line, table.rows) == (3, [(4, ("A, B", "Ville", "12,5"))])


def test_windows_1252_csv():
    content = "Intitulé;Porteur\r\nMédiation;Ville du François\r\n".encode("cp1252")
    assert read_table(content).rows == [(2, ("Médiation", "Ville du François"))]


def test_binary_is_not_a_spreadsheet():
    with pytest.raises(UnreadableFile):
        read_table(b"\x00\x01\x02" * 100)


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Les Trois-Îlets", "trois-ilets"),
        ("Les Anses-d'Arlet", "anses-d'arlet"),
        ("L'Ajoupa-Bouillon", "ajoupa-bouillon"),
        ("Le Lamentin", "lamentin"),
        ("Lamentin", "lamentin"),  # "La" begins the name itself: not an article
        ("Le Lorrain", "lorrain"),
    ],
)
def test_the_article_is_removed_only_when_it_is_a_word(name, bare):
    from engine.importing.lookups import _without_article

    assert _without_article(name) == bare

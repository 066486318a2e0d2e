"""Write the SSMSI test files: the real files' exact format, with INVENTED numbers.

Every count and rate below is made up (a formula of the commune's code): these files test the
reader and the pages, they say nothing of crime in Martinique. Run `python make_fixtures.py`
here to write them again.
"""

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COMMUNE_HEADER = (
    "CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;"
    "complement_info_taux"
)
DEPARTMENT_HEADER = (
    "Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;"
    "insee_pop;insee_pop_millesime;insee_log;insee_log_millesime"
)
INDICATORS = (
    ("Violences physiques intrafamiliales", "Victime"),
    ("Cambriolages de logement", "Infraction"),
    ("Usage de stupéfiants", "Mis en cause"),
)
YEARS = (2023, 2024)


def rate(count: int, population: int) -> str:
    return f"{count * 1000 / population:.7f}".replace(".", ",")


def commune_rows():
    with (ROOT / "engine" / "reference" / "communes.csv").open(encoding="utf-8") as handle:
        communes = [(row["insee"], int(row["pop_totale_2024"])) for row in csv.DictReader(handle)]
    for year in YEARS:
        for n, (indicator, unit) in enumerate(INDICATORS):
            for code, population in communes:
                count = (int(code[-2:]) * (n + 3) + year) % 97 + population // 1500
                housing = population // 2
                if population < 4000 and n == 0:
                    # Too few facts: withheld, the département's mean of hidden communes beside.
                    yield (
                        f'"{code}";"{year}";"{indicator}";"{unit}";NA;NA;"ndiff";"{population}";'
                        f'"2022";"{housing}";"2022";"4";"1,6234567"'
                    )
                    continue
                yield (
                    f'"{code}";"{year}";"{indicator}";"{unit}";"{count}";'
                    f'"{rate(count, population)}";"diff";"{population}";"2022";"{housing}";'
                    f'"2022";NA;NA'
                )
    # The national file holds every commune of France: these are skipped.
    yield (
        '"97101";"2024";"Cambriolages de logement";"Infraction";"12";"0,5000000";"diff";'
        '"24000";"2022";"11000";"2022";NA;NA'
    )
    yield (
        '"75056";"2024";"Usage de stupéfiants";"Mis en cause";"9000";"4,2000000";"diff";'
        '"2100000";"2022";"1300000";"2022";NA;NA'
    )


def department_rows():
    for year in YEARS:
        for n, (indicator, unit) in enumerate(INDICATORS):
            count = 900 + 150 * n + (year - 2023) * 40
            yield (
                f'"972";"02";"{year}";"{indicator}";"{unit}";"{count}";'
                f'"{rate(count, 349925)}";"349925";"2022";"180000";"2022"'
            )
    yield (
        '"971";"01";"2024";"Cambriolages de logement";"Infraction";"1500";"3,9000000";'
        '"384000";"2022";"200000";"2022"'
    )


def main() -> None:
    write("ssmsi-communes-INVENTE.csv", COMMUNE_HEADER, commune_rows())
    write("ssmsi-departement-INVENTE.csv", DEPARTMENT_HEADER, department_rows())


def write(name: str, header: str, rows) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as out:
        out.write(header + "\n")
        for row in rows:
            out.write(row + "\n")


if __name__ == "__main__":
    main()

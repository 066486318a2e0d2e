"""Write the import fixtures the way people fill census spreadsheets; run from the repository root.

.venv/bin/python tests/data/import/make_fixtures.py
"""

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

# Excel's "CSV (séparateur : point-virgule)" on Windows: Windows-1252, CRLF, odd headers.
CSV_ROWS = [
    "Intitulé du dispositif;Structure porteuse;N° SIREN;Public visé;Thématique;"
    "Nature de l'aide;Communes concernées;Budget (€);Date de début;Date de fin;"
    "Courriel;Tél.;Observations",
    "Médiateurs de nuit;Ville de Fort-de-France;219 722 097;Adolescents, jeunes adultes;"
    "Médiation sociale et tranquillité publique;Médiation;Fort-de-France / Schoelcher;"
    "12 500,50 €;15/03/2022;;mediation@fdf.mq;0596 60 00 00;à confirmer",
    "Atelier des parents;Association Horizon Jeunesse;;Familles et parents;"
    "Soutien à la parentalité;Accompagnement / suivi;LE LAMENTIN;12 k€;2022-09-01;31/08/2023;;;",
    "Chantier éducatif;Association Ansanm;;Jeunes adultes (18–25 ans);Insertion;Formation;"
    "Le Robert;douze mille;31/02/2022;;;;",
    "Soutien scolaire;Association Ansanm;;Enfants;Réussite éducative;Formation;Trois Ilets;"
    "8000;01/09/2022;;;;",
    "médiateurs de nuit;Ville de Fort-de-France;;Adolescents;Médiation;Médiation;"
    "Fort-de-France;;;;;;doublon",
    "Pétanque pour tous;Association Horizon Jeunesse;;Personnes âgées;Pétanque;"
    "Équipement / matériel;Paris;;;;contact@;;",
]

XLSX_HEADER = [
    "Intitulé",
    "Porteur",
    "Public cible",
    "Thematiques",
    "Nature de l'aide",
    "Communes",
    "Budget annuel (€)",
    "Date de debut",
    "Contact",
    "Courriel de contact",
    "Remarques",
]
XLSX_ROWS = [
    [
        "Médiation de rue",
        "Ville du Robert",
        "adolescents; jeunes adultes",
        "mediation sociale et tranquillite publique",
        "mediation",
        "Lamentin\nSchoelcher",
        15000,
        datetime(2022, 3, 15),
        "Mme Rose",
        "mediation@robert.mq",
        None,
    ],
    [
        "Ecole des parents",
        "VILLE DE FORT-DE-FRANCE",
        "familles et parents",
        "soutien a la parentalite",
        "information et sensibilisation",
        "CACEM",
        "1,2 M€",
        "15/09/2021",
        None,
        None,
        "reconduit",
    ],
    [
        "Sport en soirée",
        "Association Horizon Jeunesse",
        "tout public",
        "sport, culture et loisirs",
        "equipement / materiel",
        "Toute la Martinique",
        "3 500",
        44562,
        None,
        None,
        None,
    ],
    [
        "Prévention routière",
        "Ville du Robert",
        "adolescents",
        "prevention de la delinquance des jeunes",
        "information",
        "CAP Nord, Espace Sud, Trois Ilets, LE LAMENTIN",
        -5,
        "2022",
        None,
        "pas-un-courriel",
        None,
    ],
    [
        "Médiation",
        "Ville de Fort-de-France",
        "adolescents",
        "mediation",
        "mediation",
        "Fort-de-France",
        None,
        None,
        None,
        None,
        None,
    ],
]


def write_csv(path: Path) -> None:
    path.write_bytes("\r\n".join(CSV_ROWS).encode("cp1252") + b"\r\n")


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Recensement"
    sheet["A1"] = "Recensement des dispositifs — CLSPD du Robert"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(XLSX_HEADER)
    for row in XLSX_ROWS:
        sheet.append(row)
    sheet["H4"].number_format = "DD/MM/YYYY"
    book.create_sheet("Notes").append(["Fichier transmis par le CLSPD"])
    book.save(path)


if __name__ == "__main__":
    write_csv(HERE / "recensement_clspd.csv")
    write_xlsx(HERE / "recensement_robert.xlsx")

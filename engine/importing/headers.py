"""Recognise column headers: the export's French labels first, then what people write instead."""

from dataclasses import dataclass, field

from engine.french.text import key
from engine.records.fields import SCHEME_COLUMNS

# Fields the import sets; the other export columns (state, dates of the record…) are recognised
# so that a re-imported export lists nothing as unknown, and are ignored.
IMPORTED = (
    "title",
    "organisation",
    "organisation_siren",
    "summary",
    "description",
    "themes",
    "publics",
    "age_min",
    "age_max",
    "aid_types",
    "territories",
    "annual_budget",
    "funders",
    "partners",
    "capacity",
    "beneficiaries_last_year",
    "start_date",
    "end_date",
    "eligibility",
    "legal_basis",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "Intitulé du dispositif",
        "Intitulé de l'action",
        "Nom du dispositif",
        "Nom de l'action",
        "Dispositif",
        "Action",
        "Titre",
        "Nom",
    ),
    "organisation": (
        "Structure",
        "Structure porteuse",
        "Porteur du dispositif",
        "Porteur de projet",
        "Nom de la structure",
        "Organisme",
        "Organisme porteur",
        "Maître d'ouvrage",
    ),
    "organisation_siren": ("SIREN", "N° SIREN", "SIREN de la structure", "SIRET", "N° SIRET"),
    "summary": ("Promesse", "Résumé du dispositif", "En bref", "Objectif", "Objectifs"),
    "description": ("Descriptif", "Description de l'action", "Présentation", "Contenu"),
    "themes": ("Thématique", "Thème", "Thèmes", "Domaine", "Domaines d'intervention"),
    "publics": ("Public visé", "Publics visés", "Public cible", "Public", "Publics", "Cible"),
    "age_min": ("Âge min", "Âge mini", "Age minimum"),
    "age_max": ("Âge max", "Âge maxi", "Age maximum"),
    "aid_types": ("Nature", "Type d'aide", "Types d'aide", "Forme de l'aide", "Type d'action"),
    "territories": (
        "Communes concernées",
        "Territoire",
        "Territoires",
        "Territoire d'intervention",
        "Zone d'intervention",
        "Commune",
        "Communes",
        "Périmètre",
    ),
    "annual_budget": ("Budget (€)", "Budget", "Budget annuel", "Coût annuel", "Montant"),
    "funders": ("Financeur", "Financements", "Cofinanceurs", "Co-financeurs"),
    "partners": ("Partenaire", "Co-porteurs", "Partenaires associés"),
    "capacity": ("Capacité", "Capacité d'accueil", "Nombre de places", "Places"),
    "beneficiaries_last_year": (
        "Bénéficiaires",
        "Nombre de bénéficiaires",
        "Bénéficiaires (année N-1)",
        "Nb bénéficiaires",
    ),
    "start_date": ("Début", "Date début", "Date de démarrage", "Démarrage", "Date de lancement"),
    "end_date": ("Fin", "Date fin", "Échéance", "Date d'échéance"),
    "eligibility": ("Éligibilité", "Conditions d'accès", "Conditions d'éligibilité", "Critères"),
    "legal_basis": ("Base juridique", "Cadre", "Cadre réglementaire", "Fondement juridique"),
    "contact_name": ("Nom du contact", "Référent", "Interlocuteur", "Personne à contacter"),
    "contact_email": ("Courriel", "E-mail", "Email", "Mail", "Mél", "Adresse électronique"),
    "contact_phone": ("Téléphone", "Tél", "Tel", "N° de téléphone", "Numéro de téléphone"),
    "url": ("Site internet", "Site", "URL", "Lien", "Page web"),
}


def _index() -> dict[str, str]:
    """Map each header key to its field: the French label wins, then English, then synonyms."""
    index: dict[str, str] = {}
    for name, (french, _) in SCHEME_COLUMNS.items():
        index.setdefault(key(french), name)
    for name, (_, english) in SCHEME_COLUMNS.items():
        index.setdefault(key(english), name)
    for name, labels in SYNONYMS.items():
        for label in labels:
            index.setdefault(key(label), name)
    return index


HEADERS = _index()


def known(cell: object) -> str | None:
    """Return the field a header cell names, or None."""
    return HEADERS.get(key(str(cell))) if cell not in (None, "") else None


def count_known(cells: tuple) -> int:
    """Count the distinct fields a row of cells names: how much it looks like a header row."""
    return len({known(c) for c in cells} - {None})


@dataclass
class Columns:
    """Which column holds which field, and what was left aside."""

    fields: dict[int, str] = field(default_factory=dict)  # column index → field
    labels: dict[str, str] = field(default_factory=dict)  # field → header as written
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # known, but not imported (État…)


def match(cells: tuple) -> Columns:
    """Map a header row's columns to fields; the first column naming a field wins."""
    columns = Columns()
    for index, cell in enumerate(cells):
        text = "" if cell is None else " ".join(str(cell).split())
        if not text:
            continue
        name = known(text)
        if name is None:
            columns.unknown.append(text)
        elif name not in IMPORTED:
            columns.ignored.append(text)
        elif name in columns.labels:
            columns.unknown.append(f"{text} (en double)")
        else:
            columns.fields[index], columns.labels[name] = name, text
    return columns

"""One table of fields per record type: what each field is called, asked and read as.

The scheme form, the import (its headers, synonyms and value readers), the exports (columns,
order, widths, cell formats) and the case file read their lists here; a field is added to a
record type by adding one `Field` line (see docs/architecture.md, "How to add a field"). What a
state requires is not here: it is data of each workflow file (`requires:`), versioned with it, so
that a record keeps the rules of the version it follows.
"""

from dataclasses import dataclass

Words = tuple[str, str]  # (French, English)

# Kinds of value. Scalars are one cell of a form, an import and an export; the others are lists
# of vocabulary terms, of territories, or rows of links (partners, funders); the record's own
# columns (reference, state, instants) and computed ones are exported only.
TEXT, LONG_TEXT, EMAIL, PHONE, URL = "text", "long_text", "email", "phone", "url"
COUNT, AGE, MONEY, DATE, END_DATE = "count", "age", "money", "date", "end_date"
TERMS, TERRITORIES, ROWS, CHOICE = "terms", "territories", "rows", "choice"
REFERENCE, STATE, INSTANT = "reference", "state", "instant"
LINK = "link"  # another record or organisation, or one of its columns
TEXTS = (TEXT, LONG_TEXT, EMAIL, PHONE, URL)
NUMBERS = (COUNT, AGE)
DATES = (DATE, END_DATE)
SCALARS = (*TEXTS, *NUMBERS, MONEY, *DATES)
# The parts of a scheme's case file, in their order.
IDENTIFICATION, DESCRIPTION = "Identification", "Description"
PUBLICS, MEANS = "Publics, actions et territoire", "Moyens et calendrier"
CONTACT, INSTRUCTION = "Contact", "Instruction"
LISTS = (TERMS, TERRITORIES)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: Words  # the column header of every export (French first), the case file's label
    form: Words | None = None  # the form's label, when it says more than the column header
    help: Words | None = None  # the hint under the form's field
    synonyms: tuple[str, ...] = ()  # other headers an import file may give it
    imported: bool = False  # an import sets it (the other columns are recognised, then ignored)
    in_form: bool = False
    input: str | None = None  # the form's and the API's name, when it is not `name`
    width: int | None = None  # XLSX column width in characters; None: fit the header
    section: str | None = None  # the part of the case file that shows it (French documents)
    exported: bool = True  # a column of the spreadsheets

    @property
    def french(self) -> str:
        return self.label[0]

    @property
    def form_name(self) -> str:
        return self.input or self.name

    def form_label(self, english: bool = False) -> str:
        return (self.form or self.label)[english]

    def help_text(self, english: bool = False) -> str:
        return self.help[english] if self.help else ""


def scheme_field(name, kind, label, **more) -> Field:
    """A field people enter on the form and in an import (most scheme fields)."""
    return Field(name, kind, label, imported=True, in_form=True, **more)


SCHEME_FIELDS: tuple[Field, ...] = (
    Field("reference", REFERENCE, ("Référence", "Reference"), section=IDENTIFICATION),
    scheme_field(
        "title",
        TEXT,
        ("Intitulé", "Title"),
        help=(
            "180 caractères au plus. Seuls l'intitulé et le porteur sont exigés pour un brouillon.",
            "180 characters at most. Only the title and the owner organisation are required for "
            "a draft.",
        ),
        synonyms=(
            "Intitulé du dispositif",
            "Intitulé de l'action",
            "Nom du dispositif",
            "Nom de l'action",
            "Dispositif",
            "Action",
            "Titre",
            "Nom",
        ),
        width=45,
        section=IDENTIFICATION,
    ),
    scheme_field(
        "organisation",
        LINK,
        ("Porteur", "Organisation"),
        form=("Porteur (structure)", "Owner organisation"),
        input="organisation_id",
        synonyms=(
            "Structure",
            "Structure porteuse",
            "Porteur du dispositif",
            "Porteur de projet",
            "Nom de la structure",
            "Organisme",
            "Organisme porteur",
            "Maître d'ouvrage",
        ),
        width=32,
        section=IDENTIFICATION,
    ),
    Field(
        "organisation_siren",
        LINK,
        ("SIREN du porteur", "Organisation SIREN"),
        imported=True,
        synonyms=("SIREN", "N° SIREN", "SIREN de la structure", "SIRET", "N° SIRET"),
        section=IDENTIFICATION,
    ),
    Field("state", STATE, ("État", "State"), section=IDENTIFICATION),
    scheme_field(
        "summary",
        TEXT,
        ("Résumé", "Summary"),
        help=(
            "La promesse du dispositif en une phrase (180 caractères au plus).",
            "The scheme's promise in one sentence (180 characters at most).",
        ),
        synonyms=("Promesse", "Résumé du dispositif", "En bref", "Objectif", "Objectifs"),
        width=45,
        section=IDENTIFICATION,
    ),
    scheme_field(
        "description",
        LONG_TEXT,
        ("Description", "Description"),
        help=(
            "Ce que fait le dispositif, pour qui, comment (5 000 caractères au plus).",
            "What the scheme does, for whom, how (5,000 characters at most).",
        ),
        synonyms=("Descriptif", "Description de l'action", "Présentation", "Contenu"),
        width=60,
        section=DESCRIPTION,
    ),
    scheme_field(
        "themes",
        TERMS,
        ("Thématiques", "Themes"),
        synonyms=("Thématique", "Thème", "Thèmes", "Domaine", "Domaines d'intervention"),
        width=45,
        section=PUBLICS,
    ),
    scheme_field(
        "publics",
        TERMS,
        ("Publics cibles", "Target publics"),
        form=("Publics cibles", "Target groups"),
        synonyms=("Public visé", "Publics visés", "Public cible", "Public", "Publics", "Cible"),
        width=40,
        section=PUBLICS,
    ),
    scheme_field(
        "age_min",
        AGE,
        ("Âge minimum", "Minimum age"),
        help=("En années, de 0 à 120.", "In years, from 0 to 120."),
        synonyms=("Âge min", "Âge mini", "Age minimum"),
        section=PUBLICS,
    ),
    scheme_field(
        "age_max",
        AGE,
        ("Âge maximum", "Maximum age"),
        help=(
            "En années, de 0 à 120 ; au moins l'âge minimum.",
            "In years, from 0 to 120; at least the minimum age.",
        ),
        synonyms=("Âge max", "Âge maxi", "Age maximum"),
        section=PUBLICS,
    ),
    scheme_field(
        "aid_types",
        TERMS,
        ("Nature de l'aide", "Aid types"),
        form=("Nature de l'aide", "Type of aid"),
        synonyms=("Nature", "Type d'aide", "Types d'aide", "Forme de l'aide", "Type d'action"),
        width=32,
        section=PUBLICS,
    ),
    scheme_field(
        "territories",
        TERRITORIES,
        ("Territoire couvert", "Territories"),
        form=("Territoire couvert", "Territory covered"),
        help=(
            "Cochez toute la Martinique, une intercommunalité entière ou des communes.",
            "Tick the whole of Martinique, a whole inter-municipal body or municipalities.",
        ),
        synonyms=(
            "Communes concernées",
            "Territoire",
            "Territoires",
            "Territoire d'intervention",
            "Zone d'intervention",
            "Commune",
            "Communes",
            "Périmètre",
        ),
        width=32,
        section=PUBLICS,
    ),
    scheme_field(
        "annual_budget",
        MONEY,
        ("Budget annuel (€)", "Annual budget (€)"),
        help=("En euros, par exemple 12 500,50 €.", "In euros, for example 12 500,50 €."),
        synonyms=("Budget (€)", "Budget", "Budget annuel", "Coût annuel", "Montant"),
        section=MEANS,
    ),
    scheme_field(
        "funders",
        ROWS,
        ("Financeurs", "Funders"),
        help=(
            "La somme des montants ne peut dépasser le budget annuel.",
            "The sum of the amounts cannot exceed the annual budget.",
        ),
        synonyms=("Financeur", "Financements", "Cofinanceurs", "Co-financeurs"),
        width=40,
        section=MEANS,
    ),
    scheme_field(
        "partners",
        ROWS,
        ("Partenaires", "Partners"),
        form=("Partenaires et co-porteurs", "Partners and co-owners"),
        help=(
            "Choisissez une structure connue ou écrivez un nom, puis son rôle.",
            "Choose a known organisation or type a name, then its role.",
        ),
        synonyms=("Partenaire", "Co-porteurs", "Partenaires associés"),
        width=40,
        section=MEANS,
    ),
    scheme_field(
        "capacity",
        COUNT,
        ("Capacité (bénéficiaires / an)", "Capacity (beneficiaries / year)"),
        form=("Capacité (bénéficiaires par an)", "Capacity (beneficiaries per year)"),
        help=(
            "Nombre de bénéficiaires par an, par exemple 1 200.",
            "Number of beneficiaries per year, for example 1 200.",
        ),
        synonyms=("Capacité", "Capacité d'accueil", "Nombre de places", "Places"),
        section=MEANS,
    ),
    scheme_field(
        "beneficiaries_last_year",
        COUNT,
        ("Bénéficiaires l'an dernier", "Beneficiaries last year"),
        help=("Nombre entier, par exemple 340.", "Whole number, for example 340."),
        synonyms=(
            "Bénéficiaires",
            "Nombre de bénéficiaires",
            "Bénéficiaires (année N-1)",
            "Nb bénéficiaires",
        ),
        section=MEANS,
    ),
    scheme_field(
        "start_date",
        DATE,
        ("Date de début", "Start date"),
        help=(
            "Format jj/mm/aaaa, par exemple 15/03/2024.",
            "Format dd/mm/yyyy, for example 15/03/2024.",
        ),
        synonyms=("Début", "Date début", "Date de démarrage", "Démarrage", "Date de lancement"),
        section=MEANS,
    ),
    scheme_field(
        "end_date",
        END_DATE,
        ("Date de fin", "End date"),
        help=(
            "Format jj/mm/aaaa ; laissez vide si le dispositif se poursuit.",
            "Format dd/mm/yyyy; leave empty if the scheme is ongoing.",
        ),
        synonyms=("Fin", "Date fin", "Échéance", "Date d'échéance"),
        section=MEANS,
    ),
    scheme_field(
        "eligibility",
        LONG_TEXT,
        ("Critères d'éligibilité", "Eligibility"),
        form=("Critères d'éligibilité", "Eligibility criteria"),
        help=(
            "Qui peut en bénéficier, à quelles conditions.",
            "Who can benefit from it, and on what conditions.",
        ),
        synonyms=("Éligibilité", "Conditions d'accès", "Conditions d'éligibilité", "Critères"),
        width=50,
        section=DESCRIPTION,
    ),
    scheme_field(
        "legal_basis",
        LONG_TEXT,
        ("Cadre juridique", "Legal basis"),
        form=("Cadre ou base juridique", "Framework or legal basis"),
        help=(
            "Par exemple : FIPD, CLSPD, politique de la ville.",
            "For example: FIPD, CLSPD, urban policy.",
        ),
        synonyms=("Base juridique", "Cadre", "Cadre réglementaire", "Fondement juridique"),
        width=30,
        section=DESCRIPTION,
    ),
    scheme_field(
        "contact_name",
        TEXT,
        ("Contact", "Contact"),
        form=("Nom du contact", "Contact name"),
        synonyms=("Nom du contact", "Référent", "Interlocuteur", "Personne à contacter"),
        section=CONTACT,
    ),
    scheme_field(
        "contact_email",
        EMAIL,
        ("Courriel de contact", "Contact email"),
        form=("Courriel du contact", "Contact email"),
        help=(
            "Par exemple : prevention@ville-fortdefrance.fr",
            "For example: prevention@ville-fortdefrance.fr",
        ),
        synonyms=("Courriel", "E-mail", "Email", "Mail", "Mél", "Adresse électronique"),
        width=30,
        section=CONTACT,
    ),
    scheme_field(
        "contact_phone",
        PHONE,
        ("Téléphone de contact", "Contact phone"),
        form=("Téléphone du contact", "Contact phone"),
        help=(
            "Par exemple : 0596 12 34 56. Un courriel ou un téléphone est exigé à la soumission.",
            "For example: 0596 12 34 56. An email or a phone number is required on submission.",
        ),
        synonyms=("Téléphone", "Tél", "Tel", "N° de téléphone", "Numéro de téléphone"),
        section=CONTACT,
    ),
    scheme_field(
        "url",
        URL,
        ("Site web", "Website"),
        help=(
            "Adresse commençant par http:// ou https://",
            "Address starting with http:// or https://",
        ),
        synonyms=("Site internet", "Site", "URL", "Lien", "Page web"),
        width=32,
        section=CONTACT,
    ),
    Field(
        "copil_target_date",
        DATE,
        ("Date de COPIL visée", "Target COPIL date"),
        section=INSTRUCTION,
        exported=False,
    ),
    Field(
        "decision_reference",
        TEXT,
        ("Décision du COPIL", "COPIL decision"),
        width=32,
        section=INSTRUCTION,
    ),
    Field("pooling", LINK, ("Mutualisation", "Pooling"), section=INSTRUCTION),
    Field("created_at", INSTANT, ("Créé le", "Created"), section=INSTRUCTION),
    Field("updated_at", INSTANT, ("Mis à jour le", "Updated"), section=INSTRUCTION),
)


def pooling_field(name, kind, label, **more) -> Field:
    """A field the COTECH enters on the pooling form."""
    return Field(name, kind, label, in_form=True, **more)


POOLING_FIELDS: tuple[Field, ...] = (
    Field("reference", REFERENCE, ("Référence", "Reference")),
    pooling_field("title", TEXT, ("Intitulé", "Title"), width=45),
    Field("state", STATE, ("État", "State")),
    pooling_field(
        "kind",
        CHOICE,
        ("Type de mutualisation", "Kind"),
        form=("Type de mutualisation", "Type of pooling"),
    ),
    pooling_field(
        "lead_organisation",
        LINK,
        ("Structure pilote", "Lead organisation"),
        input="lead_organisation_id",
        width=32,
    ),
    pooling_field(
        "members",
        ROWS,
        ("Dispositifs membres", "Member schemes"),
        input="scheme_ids",
        width=32,
    ),
    pooling_field(
        "rationale",
        LONG_TEXT,
        ("Justification", "Rationale"),
        form=("Justification", "Justification"),
        help=(
            "Pourquoi mutualiser : recouvrement constaté, manques, économies attendues.",
            "Why pool: overlap observed, gaps, expected savings.",
        ),
        width=50,
    ),
    pooling_field(
        "territories",
        TERRITORIES,
        ("Territoire couvert", "Territories"),
        form=("Territoire couvert", "Territory covered"),
        help=(
            "Par défaut, les territoires des dispositifs membres : décochez ou ajoutez au besoin.",
            "By default, the territories of the member schemes: untick or add as needed.",
        ),
        width=32,
    ),
    pooling_field(
        "expected_budget",
        MONEY,
        ("Budget annuel prévu (€)", "Expected annual budget (€)"),
        form=("Budget annuel prévu (€)", "Planned annual budget (€)"),
        help=("Par exemple : 12 500,50", "For example: 12 500,50"),
    ),
    pooling_field(
        "expected_savings",
        MONEY,
        ("Économies attendues (€)", "Expected savings (€)"),
        help=("Par exemple : 3 000", "For example: 3 000"),
    ),
    pooling_field(
        "target_date",
        DATE,
        ("Date cible", "Target date"),
        help=("Format jj/mm/aaaa.", "Format dd/mm/yyyy."),
    ),
    Field("decision_reference", TEXT, ("Décision du COPIL", "COPIL decision"), width=32),
    Field("decision_date", DATE, ("Date de la décision", "Decision date")),
    Field("decision_conditions", LONG_TEXT, ("Conditions", "Conditions"), width=40),
)


MEETING_FIELDS: tuple[Field, ...] = (
    Field("reference", REFERENCE, ("Numéro", "Number")),
    Field("committee", CHOICE, ("Instance", "Committee")),
    Field("title", TEXT, ("Intitulé", "Title"), in_form=True, width=45),
    Field("starts_at", INSTANT, ("Date et heure", "Date and time"), in_form=True),
    Field("place", TEXT, ("Lieu", "Place"), in_form=True, width=32),
    Field("secretary", LINK, ("Secrétaire de séance", "Secretary"), input="secretary_id"),
    Field("members", ROWS, ("Membres convoqués", "Convened members")),
    Field("state", STATE, ("État", "State")),
)


def columns(fields: tuple[Field, ...]) -> dict[str, Words]:
    """Return the export columns of a table, in order: name → (French, English) header."""
    return {f.name: f.label for f in fields if f.exported}


# The export columns, in the order of every spreadsheet.
SCHEME_COLUMNS = columns(SCHEME_FIELDS)
POOLING_COLUMNS = columns(POOLING_FIELDS)


def of_kind(fields: tuple[Field, ...], *kinds: str) -> tuple[str, ...]:
    """Return the names of the fields of the given kinds, in the table's order."""
    return tuple(f.name for f in fields if f.kind in kinds)


def entered_scalars(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """Return the one-value fields people enter (form and import): texts, numbers, dates."""
    return tuple(f for f in fields if f.in_form and f.kind in SCALARS)


def form_fields(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    return tuple(f for f in fields if f.in_form)


def sections(fields: tuple[Field, ...]) -> list[tuple[str, list[Field]]]:
    """Return the case file's parts in their first field's order, each with its fields."""
    parts: dict[str, list[Field]] = {}
    for f in fields:
        if f.section is not None:
            parts.setdefault(f.section, []).append(f)
    return list(parts.items())


def widths(fields: tuple[Field, ...]) -> dict[str, int]:
    return {f.name: f.width for f in fields if f.width is not None}


def header(field: str, columns: dict[str, Words] = SCHEME_COLUMNS) -> str:
    """Return the French column header of a field."""
    return columns[field][0]


OBJECTIVE_FIELDS: tuple[Field, ...] = (
    Field("reference", REFERENCE, ("Numéro", "Number")),
    Field("title", TEXT, ("Intitulé", "Title"), in_form=True, width=45),
    Field("description", LONG_TEXT, ("Description", "Description"), in_form=True, width=60),
    Field("organisation", LINK, ("Structure pilote", "Lead organisation"), input="organisation_id"),
    Field("themes", TERMS, ("Thématiques", "Themes"), in_form=True),
    Field("publics", TERMS, ("Publics cibles", "Target publics"), in_form=True),
    Field("territory", LINK, ("Territoire", "Territory"), input="territory"),
    Field("target_date", DATE, ("Date cible", "Target date"), in_form=True),
    Field("indicators", ROWS, ("Indicateurs", "Indicators")),
    Field("state", STATE, ("État", "State")),
)

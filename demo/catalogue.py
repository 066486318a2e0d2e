"""The demonstration catalogue: organisations, accounts, schemes and poolings (data only).

Everything here is invented for demonstrations, except the SIREN numbers of the communes, the
EPCI and the CTM, which are public. Addresses use the reserved `.example` domain and telephone
numbers the unassigned 0596 00 / 0696 00 blocks, so that nobody real can be reached.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "maillage-demo-972"

FDF, LAMENTIN, ROBERT, MARIN = "COM-97209", "COM-97213", "COM-97222", "COM-97217"
SCHOELCHER, SAINT_JOSEPH, TRINITE, SAINTE_MARIE = "COM-97229", "COM-97224", "COM-97230", "COM-97228"
FRANCOIS, RIVIERE_PILOTE, DUCOS, SAINTE_LUCE = "COM-97210", "COM-97220", "COM-97207", "COM-97227"
VAUCLIN, SAINT_PIERRE, BASSE_POINTE, LORRAIN = "COM-97232", "COM-97225", "COM-97203", "COM-97214"
CACEM, CAP_NORD, ESPACE_SUD, MARTINIQUE = (
    "EPCI-249720061",
    "EPCI-200041788",
    "EPCI-249720053",
    "DEP-972",
)

FIPD = "Fonds interministériel de prévention de la délinquance (FIPD)"
CAF = "CAF de la Martinique"
ARS = "ARS Martinique"
FSE = "Fonds social européen (FSE+)"
ANS = "Agence nationale du sport"


# How each record reaches its state: (action, role) steps after its creation.
SUBMIT, REVIEW, PROPOSE = ("submit", "owner"), ("review", "cotech"), ("propose", "cotech")
APPROVE = ("approve", "copil")
CHANGES, COMPLETE = ("request_changes", "cotech"), ("complete", "owner")
# Every story starts with ("create", "owner"), ("fill", "owner"): the entry, then its details.
STORIES: dict[str, tuple[tuple[str, str], ...]] = {
    "draft": (),
    "recorded": (SUBMIT,),
    "recorded_commented": (SUBMIT, ("comment", "cotech"), ("comment", "owner")),
    "changes_requested": (SUBMIT, CHANGES),
    "reviewed": (SUBMIT, REVIEW),
    "reviewed_after_changes": (SUBMIT, CHANGES, COMPLETE, SUBMIT, REVIEW),
    "reviewed_corrected": (SUBMIT, ("complete", "cotech"), REVIEW),
    "proposed": (SUBMIT, REVIEW, PROPOSE),
    "approved": (SUBMIT, REVIEW, PROPOSE, APPROVE),
    "approved_after_changes": (SUBMIT, CHANGES, COMPLETE, SUBMIT, REVIEW, PROPOSE, APPROVE),
    "approved_after_send_back": (
        SUBMIT, REVIEW, PROPOSE, ("send_back", "copil"), ("complete", "cotech"), PROPOSE, APPROVE,
    ),
    "rejected_cotech": (SUBMIT, ("reject", "cotech")),
    "rejected_copil": (SUBMIT, REVIEW, PROPOSE, ("reject", "copil")),
    "withdrawn_draft": (("withdraw", "owner"),),
    "withdrawn_recorded": (SUBMIT, ("withdraw", "owner")),
    "reopened": (SUBMIT, ("reject", "cotech"), ("reopen", "admin"), COMPLETE),
}  # fmt: skip
POOLING_STORIES = {
    "recorded": ("create", "comment"),
    "proposed": ("create", "comment", "review", "propose"),
    "approved": ("create", "comment", "review", "propose", "approve", "comment"),
}
NOTES = {
    "send_back": "Le COPIL souhaite des précisions avant de se prononcer.",
    "reject": "Dispositif hors du champ du contrat territorial.",
    "reopen": "Rouvert à la demande du porteur.",
    "cotech_comment": "Merci de joindre le dernier bilan d'activité avant l'examen en COTECH.",
    "owner_comment": "Le bilan de l'an dernier sera présenté à la prochaine réunion du COTECH.",
}
HELD_BACK_LABELS = {
    "annual_budget": "le budget annuel",
    "funders": "les financeurs",
    "capacity": "la capacité d'accueil",
    "beneficiaries_last_year": "le nombre de bénéficiaires de l'an dernier",
    "legal_basis": "la base juridique",
    "partners": "les partenaires",
}


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    siren: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    name: str
    roles: tuple[str, ...]
    organisation: str | None = None


@dataclass(frozen=True)
class DemoScheme:
    """A scheme, the story that brings it to its state, and the fields held back for later."""

    organisation: str
    story: str
    title: str
    fields: dict[str, Any]
    # Fields left out of the first entry and added after the COTECH asked for them.
    held_back: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoPooling:
    title: str
    kind: str
    lead: str
    members: tuple[str, ...]
    story: str
    fields: dict[str, Any]
    comments: tuple[tuple[str, str], ...] = ()


ORGANISATIONS = (
    DemoOrganisation("fdf", "Ville de Fort-de-France", "commune", "219722097"),
    DemoOrganisation("lamentin", "Ville du Lamentin", "commune", "219722139"),
    DemoOrganisation("robert", "Ville du Robert", "commune", "219722220"),
    DemoOrganisation("marin", "Ville du Marin", "commune", "219722170"),
    DemoOrganisation(
        "cacem",
        "CACEM – Centre de la Martinique",
        "epci",
        "249720061",
    ),
    DemoOrganisation(
        "capnord",
        "CAP Nord Martinique",
        "epci",
        "200041788",
    ),
    DemoOrganisation("espacesud", "Espace Sud Martinique (CAESM)", "epci", "249720053"),
    DemoOrganisation("ctm", "Collectivité Territoriale de Martinique", "ctm", "200055507"),
    DemoOrganisation("prefecture", "Préfecture de la Martinique", "state"),
    DemoOrganisation("victimes", "Entraide Victimes Martinique (AEVM)", "association"),
    DemoOrganisation("sport", "Jeunesse Sportive Atlantique du Robert", "association"),
    DemoOrganisation("parents", "Association de parents Ansanm pou Timoun", "association"),
)

ACCOUNTS = (
    DemoAccount("admin", "sylvie.rosette@maillage.example", "Sylvie Rosette", ("admin",)),
    DemoAccount(
        "cotech1",
        "jean-marc.ursulet@prefecture.example",
        "Jean-Marc Ursulet",
        ("cotech",),
        "prefecture",
    ),
    DemoAccount(
        "cotech2", "nadege.pierre-louis@cacem.example", "Nadège Pierre-Louis", ("cotech",), "cacem"
    ),
    DemoAccount("ctm", "lucien.belfort@ctm.example", "Lucien Belfort", ("cotech", "owner"), "ctm"),
    DemoAccount(
        "copil1", "herve.larcher@prefecture.example", "Hervé Larcher", ("copil",), "prefecture"
    ),
    DemoAccount("copil2", "christiane.bellay@ctm.example", "Christiane Bellay", ("copil",), "ctm"),
    DemoAccount(
        "fdf",
        "mc.celestine@fortdefrance.example",
        "Marie-Claude Célestine",
        ("owner",),
        "fdf",
    ),
    DemoAccount(
        "fdf2",
        "p.jean-baptiste@fortdefrance.example",
        "Patrick Jean-Baptiste",
        ("owner",),
        "fdf",
    ),
    DemoAccount(
        "lamentin", "josiane.edouard@lamentin.example", "Josiane Édouard", ("owner",), "lamentin"
    ),
    DemoAccount("robert", "fabrice.alexis@robert.example", "Fabrice Alexis", ("owner",), "robert"),
    DemoAccount(
        "marin", "murielle.sainte-rose@marin.example", "Murielle Sainte-Rose", ("owner",), "marin"
    ),
    DemoAccount("cacem", "gerard.monrose@cacem.example", "Gérard Monrose", ("owner",), "cacem"),
    DemoAccount("capnord", "line.bernus@capnord.example", "Line Bernus", ("owner",), "capnord"),
    DemoAccount(
        "espacesud",
        "olivier.charlery@espacesud.example",
        "Olivier Charlery",
        ("owner",),
        "espacesud",
    ),
    DemoAccount(
        "prefecture",
        "s.marie-sainte@prefecture.example",
        "Sandrine Marie-Sainte",
        ("owner",),
        "prefecture",
    ),
    DemoAccount(
        "victimes", "annick.tinedor@aevm.example", "Annick Tinédor", ("owner",), "victimes"
    ),
    DemoAccount("sport", "kevin.lordinot@jsar.example", "Kévin Lordinot", ("owner",), "sport"),
    DemoAccount(
        "parents", "rose-marie.jos@ansanm.example", "Rose-Marie Jos", ("owner",), "parents"
    ),
)


def _contact(name: str, email: str, phone: str | None = None) -> dict[str, Any]:
    return {"contact_name": name, "contact_email": email, "contact_phone": phone}


SCHEMES: dict[str, DemoScheme] = {
    # Ville de Fort-de-France
    "fdf_mediateurs": DemoScheme(
        "fdf",
        "approved_after_send_back",
        "Médiateurs de nuit dans les quartiers de Fort-de-France",
        {
            "summary": "Une équipe de médiateurs sociaux présente le soir dans les quartiers "
            "prioritaires pour apaiser les tensions et orienter les jeunes.",
            "description": "Huit médiateurs interviennent du mardi au samedi de 18 h à 1 h à "
            "Trénelle, Volga-Plage, Bon Air et Texaco. Ils vont au-devant des jeunes et des "
            "habitants, règlent les petits conflits de voisinage, signalent les situations de "
            "danger et orientent vers les structures d'insertion et de soin. Un bilan mensuel "
            "est présenté à la cellule de veille du CLSPD.",
            "themes": ["mediation_tranquillite", "prevention_delinquance_jeunes"],
            "publics": ["adolescents", "jeunes_adultes", "tout_public"],
            "aid_types": ["mediation", "accompagnement"],
            "territories": [FDF],
            "age_min": 12,
            "age_max": 25,
            "annual_budget": "312000",
            "funders": [("fdf", "172000"), (FIPD, "90000"), ("cacem", "50000")],
            "partners": [("Police nationale – DTSP 972", "partenaire")],
            "capacity": 1200,
            "beneficiaries_last_year": 1045,
            "start_date": date(2019, 9, 1),
            "eligibility": "Habitants des quartiers prioritaires de la politique de la ville.",
            "legal_basis": "CLSPD de Fort-de-France, politique de la ville",
            **_contact("Service prévention", "mediation@fortdefrance.example", "0596 00 41 20"),
        },
        held_back=("beneficiaries_last_year",),
        notes={
            "send_back": "Le COPIL souhaite connaître le nombre de personnes orientées vers "
            "les structures d'insertion l'an dernier avant de se prononcer."
        },
    ),
    "fdf_pre": DemoScheme(
        "fdf",
        "approved",
        "Programme de réussite éducative de Fort-de-France",
        {
            "summary": "Un parcours individualisé pour les enfants de 2 à 16 ans en fragilité "
            "scolaire, construit avec leur famille.",
            "description": "Une équipe pluridisciplinaire (éducateurs, psychologue, "
            "orthophoniste) élabore avec chaque famille un parcours : soutien scolaire, "
            "activités culturelles, accès aux soins. Les situations sont repérées par les "
            "écoles et les collèges des quartiers prioritaires.",
            "themes": ["reussite_educative", "soutien_parentalite"],
            "publics": ["enfants", "adolescents", "familles_parents"],
            "aid_types": ["accompagnement", "aide_financiere"],
            "territories": [FDF],
            "age_min": 2,
            "age_max": 16,
            "annual_budget": "420000",
            "funders": [
                ("fdf", "180000"),
                ("Agence nationale de la cohésion des territoires", "240000"),
            ],
            "capacity": 350,
            "beneficiaries_last_year": 318,
            "start_date": date(2016, 1, 1),
            "eligibility": "Enfants scolarisés en réseau d'éducation prioritaire, sur "
            "signalement de l'équipe éducative et avec l'accord des parents.",
            "legal_basis": "Programme de réussite éducative (loi de cohésion sociale de 2005)",
            **_contact("Coordination PRE", "pre@fortdefrance.example", "0596 00 41 32"),
        },
    ),
    "fdf_chantiers": DemoScheme(
        "fdf",
        "reviewed",
        "Chantiers éducatifs d'été pour les 16–25 ans",
        {
            "summary": "Trois semaines de travaux rémunérés l'été, encadrés par des éducateurs, "
            "pour remettre des jeunes en mouvement.",
            "description": "Des groupes de six jeunes rénovent des équipements de quartier "
            "(aires de jeux, murets, jardins partagés) sous la conduite d'un encadrant technique "
            "et d'un éducateur. Le chantier est rémunéré et suivi d'un entretien d'orientation "
            "avec la Mission locale.",
            "themes": ["insertion", "prevention_delinquance_jeunes"],
            "publics": ["jeunes_adultes", "adolescents"],
            "aid_types": ["accompagnement", "aide_financiere", "formation"],
            "territories": [FDF],
            "age_min": 16,
            "age_max": 25,
            "annual_budget": "96000",
            "funders": [("fdf", "56000"), ("ctm", "40000")],
            "capacity": 72,
            "beneficiaries_last_year": 66,
            "start_date": date(2021, 7, 1),
            "eligibility": "Jeunes sans emploi ni formation, orientés par la prévention "
            "spécialisée ou la Mission locale.",
            **_contact("Direction de la jeunesse", "chantiers@fortdefrance.example"),
        },
    ),
    "fdf_paej": DemoScheme(
        "fdf",
        "proposed",
        "Point d'accueil et d'écoute jeunes du centre-ville",
        {
            "summary": "Un lieu d'écoute anonyme et gratuit pour les 12–25 ans et leurs "
            "parents, sans rendez-vous.",
            "description": "Deux psychologues et une éducatrice reçoivent les jeunes en "
            "difficulté (mal-être, conflits familiaux, harcèlement, consommations) et leurs "
            "parents. L'accueil est anonyme ; une permanence se tient le mercredi au collège "
            "Tania Lérus.",
            "themes": ["sante", "soutien_parentalite", "addictions"],
            "publics": ["adolescents", "jeunes_adultes", "familles_parents"],
            "aid_types": ["accompagnement", "information"],
            "territories": [FDF, SCHOELCHER],
            "age_min": 12,
            "age_max": 25,
            "annual_budget": "128000",
            "funders": [("fdf", "48000"), (ARS, "50000"), (CAF, "30000")],
            "capacity": 500,
            "beneficiaries_last_year": 437,
            "start_date": date(2018, 3, 1),
            "eligibility": "Tout jeune de 12 à 25 ans et ses parents, sans condition.",
            **_contact("PAEJ Fort-de-France", "paej@fortdefrance.example", "0596 00 41 44"),
        },
    ),
    "fdf_veille": DemoScheme(
        "fdf",
        "recorded",
        "Cellule de veille et de suivi individualisé du CLSPD foyalais",
        {
            "summary": "Un groupe restreint du CLSPD qui suit nominativement les jeunes "
            "repérés en risque de basculer dans la délinquance.",
            "description": "Chaque mois, la cellule réunit les acteurs tenus au secret partagé "
            "(Éducation nationale, prévention spécialisée, PJJ, police) pour construire un "
            "accompagnement individualisé des mineurs repérés et de leurs familles.",
            "themes": ["prevention_delinquance_jeunes", "soutien_parentalite"],
            "publics": ["adolescents", "familles_parents", "jeunes_justice"],
            "aid_types": ["accompagnement"],
            "territories": [FDF],
            "age_min": 10,
            "age_max": 18,
            "start_date": date(2022, 2, 1),
            "eligibility": "Mineurs signalés par un membre de la cellule.",
            "legal_basis": "Article L. 132-5 du code de la sécurité intérieure",
            **_contact("Coordonnatrice du CLSPD", "clspd@fortdefrance.example", "0596 00 41 10"),
        },
    ),
    "fdf_tig": DemoScheme(
        "fdf",
        "changes_requested",
        "Accueil de travaux d'intérêt général dans les services municipaux",
        {
            "summary": "Des postes de TIG encadrés par des tuteurs municipaux pour les jeunes "
            "condamnés du territoire.",
            "description": "La ville propose une trentaine de postes de travail d'intérêt "
            "général (espaces verts, bibliothèques, sports). Chaque tuteur est formé par le SPIP "
            "et suit le jeune pendant sa mesure.",
            "themes": ["recidive_reinsertion"],
            "publics": ["jeunes_justice", "jeunes_adultes"],
            "aid_types": ["accompagnement"],
            "territories": [FDF],
            "annual_budget": "18000",
            "start_date": date(2020, 1, 1),
            "eligibility": "Personnes condamnées à un TIG, orientées par le SPIP ou la PJJ.",
            "capacity": 30,
            "legal_basis": "Article 131-8 du code pénal",
            **_contact("Direction des ressources humaines", "tig@fortdefrance.example"),
        },
        held_back=("capacity", "legal_basis"),
    ),
    # Ville du Lamentin
    "lamentin_mediation": DemoScheme(
        "lamentin",
        "approved",
        "Médiation sociale dans les transports et aux abords des collèges du Lamentin",
        {
            "summary": "Des médiateurs aux arrêts de bus et à la sortie des collèges pour "
            "prévenir les rixes et les incivilités.",
            "description": "Six médiateurs sont présents aux heures d'entrée et de sortie des "
            "quatre collèges de la ville et aux principaux arrêts du réseau. Ils désamorcent "
            "les conflits entre bandes, accompagnent les élèves et font le lien avec les "
            "établissements et les familles.",
            "themes": ["mediation_tranquillite", "prevention_delinquance_jeunes"],
            "publics": ["adolescents", "tout_public"],
            "aid_types": ["mediation"],
            "territories": [LAMENTIN],
            "age_min": 11,
            "age_max": 18,
            "annual_budget": "186000",
            "funders": [("lamentin", "106000"), (FIPD, "80000")],
            "capacity": 2400,
            "beneficiaries_last_year": 2150,
            "start_date": date(2020, 9, 1),
            "eligibility": "Élèves et usagers des transports sur le territoire communal.",
            **_contact(
                "Service tranquillité publique", "mediation@lamentin.example", "0596 00 52 18"
            ),
        },
    ),
    "lamentin_parents": DemoScheme(
        "lamentin",
        "reviewed_after_changes",
        "Ateliers parents-ados du Lamentin",
        {
            "summary": "Des ateliers du samedi matin où parents et adolescents apprennent à "
            "se parler autrement, animés par une conseillère familiale.",
            "description": "Cycle de huit ateliers (communication, écrans, autorité, projets "
            "d'avenir) en petits groupes, à la maison des associations de Petit-Manoir. Une "
            "garde d'enfants est proposée sur place.",
            "themes": ["soutien_parentalite"],
            "publics": ["familles_parents", "adolescents"],
            "aid_types": ["accompagnement", "information"],
            "territories": [LAMENTIN],
            "annual_budget": "24000",
            "funders": [(CAF, "14000"), ("lamentin", "10000")],
            "capacity": 60,
            "beneficiaries_last_year": 48,
            "start_date": date(2023, 1, 14),
            "eligibility": "Familles ayant un enfant de 11 à 17 ans, sur inscription.",
            **_contact("Centre communal d'action sociale", "parentalite@lamentin.example"),
        },
        held_back=("annual_budget", "funders"),
    ),
    "lamentin_vacances": DemoScheme(
        "lamentin",
        "draft",
        "Vacances apprenantes et sportives",
        {
            "summary": "Des matinées de remise à niveau et des après-midi sportifs pendant "
            "les vacances scolaires.",
            "themes": ["reussite_educative", "sport_culture_loisirs"],
            "territories": [LAMENTIN],
        },
    ),
    "lamentin_raccrochage": DemoScheme(
        "lamentin",
        "rejected_cotech",
        "Dispositif de raccrochage scolaire « Lékòl pa fini »",
        {
            "summary": "Repérer les collégiens décrocheurs et leur proposer un accompagnement "
            "de retour en classe.",
            "description": "Un éducateur repère les élèves absentéistes avec les collèges et "
            "construit avec eux un projet de retour en classe ou d'orientation.",
            "themes": ["reussite_educative"],
            "publics": ["adolescents"],
            "aid_types": ["accompagnement"],
            "territories": [LAMENTIN],
            "start_date": date(2024, 9, 2),
            "eligibility": "Collégiens absentéistes signalés par leur établissement.",
            **_contact("Josiane Édouard", "raccrochage@lamentin.example"),
        },
        notes={
            "reject": "Ce dispositif est déjà recensé au titre de la plateforme de suivi "
            "du décrochage de la CTM ; il n'est pas retenu comme dispositif distinct."
        },
    ),
    # Ville du Robert
    "robert_cddf": DemoScheme(
        "robert",
        "proposed",
        "Conseil des droits et devoirs des familles (CDDF) du Robert",
        {
            "summary": "Le maire reçoit les familles en difficulté éducative pour leur "
            "rappeler leurs droits et devoirs et proposer un accompagnement.",
            "description": "Présidé par le maire, le conseil entend les familles dont l'enfant "
            "est absentéiste ou a commis des incivilités, et leur propose un accompagnement "
            "parental. Il peut saisir le président de la CTM d'une demande de mesure "
            "d'accompagnement.",
            "themes": ["soutien_parentalite", "prevention_delinquance_jeunes"],
            "publics": ["familles_parents", "adolescents"],
            "aid_types": ["accompagnement", "information"],
            "territories": [ROBERT],
            "annual_budget": "15000",
            "capacity": 40,
            "beneficiaries_last_year": 23,
            "start_date": date(2021, 3, 1),
            "eligibility": "Familles convoquées sur proposition du CLSPD ou de l'Éducation "
            "nationale.",
            "legal_basis": "Article L. 141-1 du code de l'action sociale et des familles",
            **_contact("Cabinet du maire", "cddf@robert.example", "0596 00 65 01"),
        },
    ),
    "robert_nautique": DemoScheme(
        "robert",
        "recorded_commented",
        "Prévention et médiation sur le front de mer du Robert",
        {
            "summary": "Des médiateurs et des activités nautiques gratuites le week-end pour "
            "occuper positivement le front de mer.",
            "description": "D'avril à octobre, deux médiateurs et un moniteur de voile animent "
            "le front de mer le samedi et le dimanche : initiation au kayak et à la yole, "
            "médiation des conflits, prévention des conduites à risque sur la plage.",
            "themes": ["mediation_tranquillite", "sport_culture_loisirs"],
            "publics": ["adolescents", "jeunes_adultes", "tout_public"],
            "aid_types": ["mediation", "equipement"],
            "territories": [ROBERT],
            "annual_budget": "54000",
            "funders": [("robert", "34000"), (ANS, "20000")],
            "start_date": date(2024, 4, 6),
            "end_date": date(2027, 10, 31),
            "eligibility": "Accès libre.",
            **_contact("Service des sports", "sports@robert.example", "0696 00 65 22"),
        },
    ),
    "robert_permis": DemoScheme(
        "robert",
        "withdrawn_draft",
        "Aide au permis de conduire pour jeunes en insertion",
        {
            "summary": "Une aide de 600 € au permis B en échange d'heures de bénévolat.",
            "themes": ["insertion"],
            "territories": [ROBERT],
        },
        notes={"withdraw": "Remplacé par l'aide régionale au permis de la CTM."},
    ),
    # Ville du Marin
    "marin_familles": DemoScheme(
        "marin",
        "reviewed",
        "Point info familles du Marin",
        {
            "summary": "Un guichet unique qui informe et oriente les parents sur toutes les "
            "questions de la vie familiale.",
            "description": "Deux conseillères accueillent les familles en mairie annexe et "
            "lors de permanences mobiles dans les quartiers : droits, modes de garde, "
            "scolarité, conflits familiaux, orientation vers la médiation familiale.",
            "themes": ["soutien_parentalite"],
            "publics": ["familles_parents"],
            "aid_types": ["information", "accompagnement"],
            "territories": [MARIN, SAINTE_LUCE],
            "annual_budget": "38000",
            "funders": [(CAF, "20000"), ("marin", "18000")],
            "capacity": 400,
            "beneficiaries_last_year": 356,
            "start_date": date(2019, 1, 7),
            "eligibility": "Toute famille résidant dans le sud de l'île.",
            **_contact("Point info familles", "pif@marin.example", "0596 00 74 30"),
        },
    ),
    "marin_festif": DemoScheme(
        "marin",
        "changes_requested",
        "Prévention des conduites à risque en milieu festif",
        {
            "summary": "Une équipe de prévention sur les fêtes patronales, le carnaval et la "
            "semaine nautique du Marin.",
            "description": "Stand de prévention, éthylotests, distribution d'eau et de "
            "préservatifs, maraude de fin de soirée avec l'association d'addictologie.",
            "themes": ["addictions", "sante"],
            "publics": ["jeunes_adultes", "adolescents"],
            "aid_types": ["information", "equipement"],
            "territories": [MARIN],
            "start_date": date(2023, 2, 1),
            "eligibility": "Tout public lors des manifestations.",
            "annual_budget": "27000",
            "funders": [(ARS, "15000"), ("marin", "12000")],
            "beneficiaries_last_year": 3100,
            "contact_phone": "0596 00 74 31",
        },
        held_back=("annual_budget", "funders", "beneficiaries_last_year"),
    ),
    "marin_sortants": DemoScheme(
        "marin",
        "reopened",
        "Accompagnement vers le logement des sortants de détention",
        {
            "summary": "Un logement temporaire et un référent pour préparer la sortie de "
            "détention des habitants du Sud.",
            "description": "Quatre logements passerelles et un travailleur social référent, "
            "mobilisé trois mois avant la sortie, en lien avec le SPIP et le centre "
            "pénitentiaire de Ducos.",
            "themes": ["recidive_reinsertion", "logement_hebergement"],
            "publics": ["sortants_detention"],
            "aid_types": ["hebergement", "accompagnement"],
            "territories": [MARIN, DUCOS, RIVIERE_PILOTE],
            "start_date": date(2024, 6, 1),
            "eligibility": "Personnes détenues au centre pénitentiaire de Ducos, domiciliées "
            "dans le sud, à six mois de leur sortie.",
            "partners": [("SPIP de la Martinique", "partenaire"), ("ctm", "financeur")],
            "annual_budget": "74000",
            **_contact("CCAS du Marin", "ccas@marin.example"),
        },
        held_back=("partners", "annual_budget"),
        notes={
            "reject": "Le porteur réel semble être le SPIP : dispositif non retenu en l'état.",
            "reopen": "Rouvert à la demande de la commune : elle porte bien les logements "
            "passerelles, le SPIP est partenaire.",
        },
    ),
    # CACEM
    "cacem_mediation": DemoScheme(
        "cacem",
        "approved_after_changes",
        "Médiation sociale intercommunale du Centre",
        {
            "summary": "Une équipe intercommunale de médiateurs qui intervient en renfort "
            "dans les quatre communes du Centre.",
            "description": "Dix médiateurs couvrent Fort-de-France, Le Lamentin, Schœlcher et "
            "Saint-Joseph selon un planning partagé avec les polices municipales : présence "
            "dans les zones commerciales, gestion des conflits de voisinage, veille technique.",
            "themes": ["mediation_tranquillite"],
            "publics": ["tout_public", "jeunes_adultes"],
            "aid_types": ["mediation"],
            "territories": [CACEM],
            "annual_budget": "398000",
            "funders": [("cacem", "278000"), (FIPD, "120000")],
            "capacity": 5000,
            "beneficiaries_last_year": 4620,
            "start_date": date(2017, 5, 1),
            "eligibility": "Habitants et usagers du territoire de la CACEM.",
            "legal_basis": "Contrat de ville du Centre, CISPD",
            **_contact(
                "Direction de la cohésion sociale", "mediation@cacem.example", "0596 00 33 70"
            ),
        },
        held_back=("legal_basis", "beneficiaries_last_year"),
    ),
    "cacem_insertion": DemoScheme(
        "cacem",
        "proposed",
        "Plateforme d'insertion des jeunes du Centre",
        {
            "summary": "Un parcours renforcé vers l'emploi pour les 16–25 ans les plus "
            "éloignés, avec une allocation pendant la formation.",
            "description": "Repérage par les médiateurs et la prévention spécialisée, "
            "diagnostic, remobilisation de quatre semaines, puis formation qualifiante ou "
            "emploi accompagné. Une allocation mensuelle est versée pendant la remobilisation.",
            "themes": ["insertion", "prevention_delinquance_jeunes"],
            "publics": ["jeunes_adultes", "jeunes_justice"],
            "aid_types": ["accompagnement", "formation", "aide_financiere"],
            "territories": [CACEM],
            "age_min": 16,
            "age_max": 25,
            "annual_budget": "540000",
            "funders": [("cacem", "190000"), (FSE, "250000"), ("ctm", "100000")],
            "capacity": 180,
            "beneficiaries_last_year": 164,
            "start_date": date(2022, 1, 3),
            "eligibility": "Jeunes sans diplôme ni emploi résidant dans le Centre.",
            **_contact("Plateforme jeunes", "insertion@cacem.example", "0596 00 33 72"),
        },
    ),
    "cacem_rue": DemoScheme(
        "cacem",
        "reviewed",
        "Prévention spécialisée : équipe éducative de rue du Centre",
        {
            "summary": "Des éducateurs de rue qui créent le lien avec les jeunes en rupture "
            "dans les quartiers du Centre.",
            "description": "Sept éducateurs pratiquent le travail de rue, l'accompagnement "
            "individuel et les actions collectives (séjours, chantiers) à Fort-de-France, "
            "Schœlcher et Saint-Joseph, sans mandat et dans le respect de l'anonymat.",
            "themes": ["prevention_delinquance_jeunes", "insertion"],
            "publics": ["adolescents", "jeunes_adultes"],
            "aid_types": ["accompagnement"],
            "territories": [FDF, SCHOELCHER, SAINT_JOSEPH],
            "age_min": 11,
            "age_max": 25,
            "annual_budget": "465000",
            "funders": [("ctm", "465000")],
            "capacity": 400,
            "beneficiaries_last_year": 371,
            "start_date": date(2015, 1, 1),
            "eligibility": "Libre adhésion des jeunes.",
            "legal_basis": "Prévention spécialisée (art. L. 221-1 du CASF)",
            **_contact("Service prévention", "prevention@cacem.example", "0596 00 33 75"),
        },
    ),
    "cacem_sport": DemoScheme(
        "cacem",
        "recorded",
        "Chèque sport-culture intercommunal",
        {
            "summary": "Une aide de 80 € par enfant pour l'inscription à un club sportif ou "
            "culturel.",
            "description": "Le chèque est remis aux familles bénéficiaires de l'allocation de "
            "rentrée scolaire et accepté par plus de 120 clubs et écoles de musique du Centre.",
            "themes": ["sport_culture_loisirs"],
            "publics": ["enfants", "adolescents", "familles_parents"],
            "aid_types": ["aide_financiere"],
            "territories": [CACEM],
            "age_min": 6,
            "age_max": 17,
            "annual_budget": "320000",
            "funders": [("cacem", "320000")],
            "capacity": 4000,
            "start_date": date(2023, 9, 1),
            "eligibility": "Enfants de 6 à 17 ans dont la famille perçoit l'allocation de "
            "rentrée scolaire.",
            **_contact("Guichet sport-culture", "cheque@cacem.example", "0596 00 33 80"),
        },
    ),
    # CAP Nord
    "capnord_educateurs": DemoScheme(
        "capnord",
        "reviewed_corrected",
        "Éducateurs de prévention itinérants du Nord",
        {
            "summary": "Une équipe mobile d'éducateurs qui sillonne les communes du Nord "
            "dépourvues de prévention spécialisée.",
            "description": "Un minibus aménagé et trois éducateurs assurent des permanences "
            "hebdomadaires à Basse-Pointe, au Lorrain, à Sainte-Marie et à La Trinité : "
            "accueil, accompagnement individuel, lien avec les collèges.",
            "themes": ["prevention_delinquance_jeunes"],
            "publics": ["adolescents", "jeunes_adultes"],
            "aid_types": ["accompagnement", "information"],
            "territories": [BASSE_POINTE, LORRAIN, SAINTE_MARIE, TRINITE],
            "annual_budget": "230000",
            "funders": [("capnord", "130000"), ("ctm", "100000")],
            "capacity": 250,
            "beneficiaries_last_year": 198,
            "start_date": date(2021, 10, 1),
            "eligibility": "Jeunes de 12 à 25 ans des communes desservies.",
            "legal_basis": "Prévention spécialisée (art. L. 221-1 du CASF)",
            **_contact("Line Bernus", "prevention@capnord.example", "0596 00 80 12"),
        },
        held_back=("legal_basis",),
    ),
    "capnord_numerique": DemoScheme(
        "capnord",
        "proposed",
        "Ateliers numériques et prévention du cyber-harcèlement dans les collèges du Nord",
        {
            "summary": "Des ateliers en classe de 5e sur les réseaux sociaux, le "
            "cyber-harcèlement et l'identité numérique.",
            "description": "Deux animateurs interviennent dans les quatorze collèges du Nord, "
            "forment des élèves ambassadeurs et animent une soirée d'information pour les "
            "parents dans chaque établissement.",
            "themes": ["citoyennete_numerique", "reussite_educative"],
            "publics": ["adolescents", "familles_parents", "professionnels"],
            "aid_types": ["information", "formation"],
            "territories": [CAP_NORD],
            "age_min": 11,
            "age_max": 14,
            "annual_budget": "72000",
            "funders": [("capnord", "42000"), (FIPD, "30000")],
            "capacity": 2800,
            "beneficiaries_last_year": 2450,
            "start_date": date(2022, 9, 1),
            "eligibility": "Élèves de 5e des collèges publics et privés du Nord.",
            **_contact("Service jeunesse", "numerique@capnord.example", "0596 00 80 20"),
        },
    ),
    "capnord_accueil": DemoScheme(
        "capnord",
        "recorded",
        "Accueil de jour pour personnes en errance du Nord Atlantique",
        {
            "summary": "Un lieu de jour pour se poser, se laver, manger et être orienté, à "
            "La Trinité.",
            "description": "Ouvert du lundi au vendredi, l'accueil propose douches, laverie, "
            "collation et une permanence d'infirmière et d'assistante sociale.",
            "themes": ["logement_hebergement", "sante"],
            "publics": ["exclusion_precarite"],
            "aid_types": ["hebergement", "accompagnement"],
            "territories": [TRINITE, SAINTE_MARIE, ROBERT],
            "annual_budget": "160000",
            "funders": [("prefecture", "90000"), ("capnord", "70000")],
            "capacity": 120,
            "start_date": date(2020, 11, 2),
            "eligibility": "Personnes sans domicile ou en grande précarité, sans condition.",
            **_contact("Accueil de jour", "accueil@capnord.example", "0596 00 80 31"),
        },
    ),
    "capnord_rupture": DemoScheme(
        "capnord",
        "rejected_copil",
        "Séjours de rupture en voile traditionnelle pour adolescents",
        {
            "summary": "Des séjours de dix jours en yole et en bivouac pour des adolescents "
            "en grande difficulté.",
            "description": "Chaque séjour réunit huit adolescents, deux éducateurs et un "
            "patron de yole : navigation, vie collective, préparation d'un projet personnel.",
            "themes": ["prevention_delinquance_jeunes", "sport_culture_loisirs"],
            "publics": ["adolescents", "jeunes_justice"],
            "aid_types": ["accompagnement", "hebergement"],
            "territories": [CAP_NORD],
            "annual_budget": "145000",
            "capacity": 48,
            "start_date": date(2025, 7, 1),
            "eligibility": "Adolescents de 13 à 17 ans orientés par la PJJ ou l'ASE.",
            **_contact("Service jeunesse", "sejours@capnord.example"),
        },
        notes={
            "reject": "Coût par jeune trop élevé au regard des autres dispositifs ; le "
            "COPIL invite le porteur à s'associer aux séjours existants de la PJJ."
        },
    ),
    # Espace Sud
    "espacesud_chantier": DemoScheme(
        "espacesud",
        "approved",
        "Chantier d'insertion « Sud Nature »",
        {
            "summary": "Un chantier d'insertion d'entretien des sentiers et du littoral, avec "
            "formation qualifiante.",
            "description": "Douze salariés en insertion entretiennent sentiers, mangroves et "
            "plages du Sud pendant six à vingt-quatre mois, avec un accompagnement "
            "socioprofessionnel et une formation aux métiers de l'environnement.",
            "themes": ["insertion", "recidive_reinsertion"],
            "publics": ["jeunes_adultes", "sortants_detention", "exclusion_precarite"],
            "aid_types": ["formation", "accompagnement"],
            "territories": [ESPACE_SUD],
            "age_min": 18,
            "annual_budget": "610000",
            "funders": [("prefecture", "260000"), ("espacesud", "150000"), (FSE, "200000")],
            "capacity": 24,
            "beneficiaries_last_year": 22,
            "start_date": date(2018, 4, 1),
            "eligibility": "Personnes éloignées de l'emploi, agréées par France Travail.",
            "legal_basis": "Atelier et chantier d'insertion (art. L. 5132-15 du code du travail)",
            **_contact("Chantier Sud Nature", "sudnature@espacesud.example", "0596 00 76 40"),
        },
    ),
    "espacesud_parentalite": DemoScheme(
        "espacesud",
        "reviewed",
        "Relais parentalité de l'Espace Sud",
        {
            "summary": "Des groupes de parole et des visites à domicile pour les parents "
            "isolés du Sud.",
            "description": "Une conseillère conjugale et familiale et une éducatrice de jeunes "
            "enfants animent des groupes de parole dans six communes et se déplacent à "
            "domicile pour les familles qui ne peuvent pas venir.",
            "themes": ["soutien_parentalite", "violences_intrafamiliales"],
            "publics": ["familles_parents", "enfants"],
            "aid_types": ["accompagnement", "information"],
            "territories": [FRANCOIS, VAUCLIN, RIVIERE_PILOTE, SAINTE_LUCE, DUCOS, MARIN],
            "annual_budget": "82000",
            "funders": [(CAF, "52000"), ("espacesud", "30000")],
            "capacity": 150,
            "beneficiaries_last_year": 131,
            "start_date": date(2022, 3, 1),
            "eligibility": "Parents d'enfants de moins de 12 ans, en priorité les familles "
            "monoparentales.",
            **_contact("Relais parentalité", "parentalite@espacesud.example", "0596 00 76 45"),
        },
    ),
    "espacesud_maraude": DemoScheme(
        "espacesud",
        "draft",
        "Maraude sociale du Sud",
        {
            "summary": "Une maraude de soirée deux fois par semaine au François et au Marin.",
            "themes": ["logement_hebergement"],
            "publics": ["exclusion_precarite"],
            "aid_types": ["accompagnement"],
            "territories": [FRANCOIS, MARIN],
        },
    ),
    # Collectivité Territoriale de Martinique
    "ctm_clubs": DemoScheme(
        "ctm",
        "approved",
        "Financement des clubs de prévention spécialisée",
        {
            "summary": "La CTM finance les associations de prévention spécialisée qui "
            "interviennent dans les quartiers de toute l'île.",
            "description": "Conventions pluriannuelles avec quatre associations habilitées, "
            "fixant territoires d'intervention, effectifs d'éducateurs et indicateurs de "
            "suivi. Un comité de pilotage annuel réunit la CTM, les communes et les "
            "associations.",
            "themes": ["prevention_delinquance_jeunes"],
            "publics": ["adolescents", "jeunes_adultes", "professionnels"],
            "aid_types": ["aide_financiere"],
            "territories": [MARTINIQUE],
            "annual_budget": "2350000",
            "funders": [("ctm", "2350000")],
            "start_date": date(2016, 1, 1),
            "eligibility": "Associations habilitées à exercer la prévention spécialisée.",
            "legal_basis": "Aide sociale à l'enfance, art. L. 121-2 du CASF",
            **_contact(
                "Direction de l'enfance et de la famille", "prevention@ctm.example", "0596 00 59 00"
            ),
        },
    ),
    "ctm_allocation": DemoScheme(
        "ctm",
        "changes_requested",
        "Allocation d'insertion pour les jeunes en rupture",
        {
            "summary": "Une allocation mensuelle de 300 € pendant six mois pour les jeunes "
            "engagés dans un parcours d'insertion.",
            "description": "L'allocation est versée sur proposition d'un référent (Mission "
            "locale, prévention spécialisée) et suspendue en cas d'abandon du parcours.",
            "themes": ["insertion"],
            "publics": ["jeunes_adultes", "exclusion_precarite"],
            "aid_types": ["aide_financiere"],
            "territories": [MARTINIQUE],
            "age_min": 18,
            "age_max": 25,
            "start_date": date(2024, 1, 1),
            "eligibility": "Jeunes de 18 à 25 ans sans ressources, engagés dans un parcours.",
            "annual_budget": "540000",
            "capacity": 300,
            "legal_basis": "Délibération de l'Assemblée de Martinique",
            **_contact("Direction de l'insertion", "insertion@ctm.example"),
        },
        held_back=("annual_budget", "capacity", "legal_basis"),
        notes={
            "request_changes": "Merci de préciser le budget annuel, le nombre de places et "
            "la délibération qui fonde l'allocation : elle semble recouper le FAJ."
        },
    ),
    "ctm_hebergement": DemoScheme(
        "ctm",
        "proposed",
        "Places d'hébergement d'urgence pour femmes victimes de violences",
        {
            "summary": "Vingt places d'hébergement d'urgence sécurisées, avec un "
            "accompagnement social et juridique.",
            "description": "Les places sont réparties dans trois résidences à adresse "
            "confidentielle. Chaque femme est accompagnée par une référente sociale ; une "
            "juriste assure une permanence hebdomadaire.",
            "themes": ["violences_intrafamiliales", "logement_hebergement", "aide_victimes"],
            "publics": ["femmes_victimes", "enfants"],
            "aid_types": ["hebergement", "accompagnement"],
            "territories": [MARTINIQUE],
            "annual_budget": "780000",
            "funders": [("ctm", "480000"), ("prefecture", "300000")],
            "capacity": 20,
            "beneficiaries_last_year": 64,
            "start_date": date(2021, 11, 25),
            "eligibility": "Femmes victimes de violences et leurs enfants, orientées par le "
            "115, les forces de sécurité ou les associations.",
            **_contact("Mission égalité", "vif@ctm.example", "0596 00 59 12"),
        },
    ),
    "ctm_faj": DemoScheme(
        "ctm",
        "approved",
        "Fonds d'aide aux jeunes (FAJ)",
        {
            "summary": "Des aides ponctuelles aux 18–25 ans en difficulté pour la "
            "subsistance, le logement, la mobilité ou la formation.",
            "description": "Les demandes sont instruites par les Missions locales et les "
            "centres communaux d'action sociale, puis examinées en commission mensuelle.",
            "themes": ["insertion", "logement_hebergement"],
            "publics": ["jeunes_adultes", "exclusion_precarite"],
            "aid_types": ["aide_financiere"],
            "territories": [MARTINIQUE],
            "age_min": 18,
            "age_max": 25,
            "annual_budget": "900000",
            "funders": [("ctm", "900000")],
            "capacity": 1500,
            "beneficiaries_last_year": 1320,
            "start_date": date(2015, 1, 1),
            "eligibility": "Jeunes de 18 à 25 ans en difficulté d'insertion.",
            "legal_basis": "Article L. 263-3 du code de l'action sociale et des familles",
            **_contact("Direction de l'insertion", "faj@ctm.example", "0596 00 59 20"),
        },
    ),
    "ctm_mda": DemoScheme(
        "ctm",
        "recorded",
        "Maison des adolescents : santé mentale des 11–21 ans",
        {
            "summary": "Un lieu d'accueil, d'écoute et de soins pour les adolescents en "
            "souffrance psychique et leurs familles.",
            "description": "Accueil sans rendez-vous, consultations de psychologues et de "
            "pédopsychiatres, groupes de parole, formation des professionnels au repérage "
            "du risque suicidaire.",
            "themes": ["sante", "addictions"],
            "publics": ["adolescents", "familles_parents", "professionnels"],
            "aid_types": ["accompagnement", "formation"],
            "territories": [MARTINIQUE],
            "age_min": 11,
            "age_max": 21,
            "annual_budget": "690000",
            "funders": [(ARS, "420000"), ("ctm", "270000")],
            "start_date": date(2014, 6, 1),
            "eligibility": "Adolescents de 11 à 21 ans et leurs proches.",
            **_contact("Maison des adolescents", "mda@ctm.example", "0596 00 59 30"),
        },
    ),
    # Préfecture de la Martinique
    "prefecture_fipd": DemoScheme(
        "prefecture",
        "approved",
        "Appel à projets du Fonds interministériel de prévention de la délinquance",
        {
            "summary": "Le FIPD finance chaque année les actions de prévention portées par "
            "les collectivités et les associations de Martinique.",
            "description": "L'appel à projets annuel retient les actions en faveur des jeunes "
            "exposés à la délinquance, de l'aide aux victimes, de la lutte contre les violences "
            "intrafamiliales et de la tranquillité publique, conformément à la stratégie "
            "départementale.",
            "themes": [
                "prevention_delinquance_jeunes",
                "aide_victimes",
                "violences_intrafamiliales",
                "mediation_tranquillite",
            ],
            "publics": ["professionnels", "tout_public"],
            "aid_types": ["aide_financiere"],
            "territories": [MARTINIQUE],
            "annual_budget": "1200000",
            "funders": [("prefecture", "1200000")],
            "start_date": date(2007, 3, 5),
            "eligibility": "Collectivités, établissements publics et associations, sur "
            "dossier déposé avant le 31 mars.",
            "legal_basis": "Loi n° 2007-297 du 5 mars 2007, article 5",
            **_contact("Bureau de la prévention", "fipd@prefecture.example", "0596 00 39 00"),
        },
    ),
    "prefecture_iscg": DemoScheme(
        "prefecture",
        "proposed",
        "Intervenants sociaux en commissariat et en gendarmerie",
        {
            "summary": "Des travailleurs sociaux dans les commissariats et brigades pour "
            "accueillir les victimes et les personnes en détresse.",
            "description": "Quatre intervenants sociaux reçoivent les victimes de violences "
            "intrafamiliales et les personnes vulnérables repérées par les forces de sécurité, "
            "évaluent la situation et orientent vers les services compétents.",
            "themes": ["aide_victimes", "violences_intrafamiliales"],
            "publics": ["victimes", "femmes_victimes", "personnes_agees"],
            "aid_types": ["accompagnement", "information"],
            "territories": [MARTINIQUE],
            "annual_budget": "210000",
            "funders": [("prefecture", "105000"), ("ctm", "105000")],
            "capacity": 900,
            "beneficiaries_last_year": 812,
            "start_date": date(2019, 1, 1),
            "eligibility": "Toute personne reçue par la police ou la gendarmerie.",
            **_contact("Bureau de la prévention", "iscg@prefecture.example", "0596 00 39 10"),
        },
    ),
    "prefecture_citoyennete": DemoScheme(
        "prefecture",
        "reviewed",
        "Stages de citoyenneté pour jeunes majeurs",
        {
            "summary": "Des stages de deux jours prononcés comme alternative aux poursuites "
            "ou comme peine, sur les valeurs de la République.",
            "description": "Organisés avec le parquet et le SPIP, les stages réunissent dix "
            "stagiaires : rencontres avec des victimes, visite d'une institution, atelier sur "
            "la loi et les conséquences des violences.",
            "themes": ["recidive_reinsertion", "citoyennete_numerique"],
            "publics": ["jeunes_justice", "jeunes_adultes"],
            "aid_types": ["formation", "information"],
            "territories": [MARTINIQUE],
            "age_min": 18,
            "annual_budget": "36000",
            "funders": [("prefecture", "36000")],
            "capacity": 120,
            "beneficiaries_last_year": 96,
            "start_date": date(2020, 2, 1),
            "eligibility": "Personnes orientées par l'autorité judiciaire.",
            "legal_basis": "Article 131-5-1 du code pénal",
            **_contact("Bureau de la prévention", "stages@prefecture.example"),
        },
    ),
    # Associations
    "victimes_permanences": DemoScheme(
        "victimes",
        "approved",
        "Permanences d'aide aux victimes dans les communes",
        {
            "summary": "Des juristes et psychologues reçoivent gratuitement les victimes "
            "d'infractions au plus près de chez elles.",
            "description": "Permanences hebdomadaires dans douze mairies et au tribunal "
            "judiciaire : information sur les droits, aide aux démarches, soutien "
            "psychologique, accompagnement à l'audience.",
            "themes": ["aide_victimes"],
            "publics": ["victimes", "femmes_victimes"],
            "aid_types": ["accompagnement", "information"],
            "territories": [FDF, LAMENTIN, ROBERT, TRINITE, MARIN, FRANCOIS, SAINT_PIERRE],
            "annual_budget": "265000",
            "funders": [("Ministère de la Justice", "160000"), ("ctm", "55000"), (FIPD, "50000")],
            "partners": [("Tribunal judiciaire de Fort-de-France", "partenaire")],
            "capacity": 2000,
            "beneficiaries_last_year": 1874,
            "start_date": date(2012, 1, 1),
            "eligibility": "Toute victime d'infraction, sans condition.",
            **_contact("Annick Tinédor", "accueil@aevm.example", "0596 00 70 70"),
        },
    ),
    "victimes_tgd": DemoScheme(
        "victimes",
        "reviewed",
        "Accompagnement renforcé des femmes en très grand danger",
        {
            "summary": "Un suivi rapproché des femmes bénéficiaires d'un téléphone grave "
            "danger ou d'un bracelet anti-rapprochement.",
            "description": "Une référente unique évalue la situation, organise la mise en "
            "sécurité et accompagne la victime dans ses démarches judiciaires, sociales et de "
            "relogement, en lien avec le parquet.",
            "themes": ["violences_intrafamiliales", "aide_victimes"],
            "publics": ["femmes_victimes"],
            "aid_types": ["accompagnement", "equipement"],
            "territories": [MARTINIQUE],
            "annual_budget": "98000",
            "funders": [("Ministère de la Justice", "58000"), ("ctm", "40000")],
            "capacity": 60,
            "beneficiaries_last_year": 47,
            "start_date": date(2020, 6, 1),
            "eligibility": "Femmes orientées par le procureur de la République.",
            **_contact("Pôle violences conjugales", "tgd@aevm.example", "0696 00 70 71"),
        },
    ),
    "sport_boxe": DemoScheme(
        "sport",
        "recorded",
        "Boxe éducative et citoyenneté au Robert",
        {
            "summary": "Des séances de boxe éducative gratuites trois soirs par semaine, "
            "suivies d'un temps d'échange sur le respect et la citoyenneté.",
            "description": "Deux entraîneurs diplômés accueillent les jeunes au gymnase de "
            "Pointe Lynch ; un éducateur anime après chaque séance un temps d'échange et "
            "assure le lien avec les familles et le collège.",
            "themes": ["sport_culture_loisirs", "prevention_delinquance_jeunes"],
            "publics": ["adolescents", "jeunes_adultes"],
            "aid_types": ["accompagnement", "equipement"],
            "territories": [ROBERT],
            "age_min": 12,
            "age_max": 20,
            "annual_budget": "42000",
            "funders": [(ANS, "18000"), ("robert", "12000"), (FIPD, "8000")],
            "capacity": 80,
            "beneficiaries_last_year": 71,
            "start_date": date(2021, 9, 15),
            "eligibility": "Jeunes de 12 à 20 ans, licence offerte.",
            **_contact("Kévin Lordinot", "contact@jsar.example", "0696 00 65 40"),
        },
    ),
    "sport_ballon": DemoScheme(
        "sport",
        "withdrawn_recorded",
        "Tournois de football de quartier « Ballon la pé »",
        {
            "summary": "Un tournoi inter-quartiers chaque vacances scolaires, arbitré par "
            "les jeunes eux-mêmes.",
            "description": "Les équipes sont mixtes et composées de jeunes de quartiers "
            "différents ; les matchs sont arbitrés par des jeunes formés à la médiation.",
            "themes": ["sport_culture_loisirs", "mediation_tranquillite"],
            "publics": ["adolescents"],
            "aid_types": ["mediation", "equipement"],
            "territories": [ROBERT, FRANCOIS],
            "start_date": date(2024, 7, 8),
            "eligibility": "Adolescents de 12 à 17 ans.",
            **_contact("Kévin Lordinot", "tournois@jsar.example"),
        },
        notes={"withdraw": "Action intégrée au programme de boxe éducative à partir de 2026."},
    ),
    "parents_cafe": DemoScheme(
        "parents",
        "changes_requested",
        "Café des parents et médiation scolaire",
        {
            "summary": "Un café mensuel dans les écoles pour rapprocher parents et "
            "enseignants, et une médiation en cas de conflit.",
            "description": "Des parents bénévoles formés à la médiation accueillent les "
            "familles un samedi par mois et interviennent à la demande des directeurs "
            "d'école lorsqu'un conflit oppose une famille à l'école.",
            "themes": ["soutien_parentalite", "reussite_educative"],
            "publics": ["familles_parents", "enfants"],
            "aid_types": ["mediation", "information"],
            "territories": [SCHOELCHER, FDF],
            "start_date": date(2023, 10, 7),
            "eligibility": "Parents d'élèves des écoles partenaires.",
            "annual_budget": "9500",
            "capacity": 200,
            "partners": [("fdf", "partenaire")],
            "contact_email": "cafe@ansanm.example",
        },
        held_back=("annual_budget", "capacity", "partners"),
    ),
    "parents_soutien": DemoScheme(
        "parents",
        "draft",
        "Soutien scolaire solidaire",
        {"summary": "Aide aux devoirs par des étudiants bénévoles, deux soirs par semaine."},
    ),
}

POOLINGS = (
    DemoPooling(
        "Mise en commun des équipes de médiation sociale du Centre",
        "shared_resources",
        "cacem",
        ("fdf_mediateurs", "lamentin_mediation", "cacem_mediation"),
        "approved",
        {
            "rationale": "Trois équipes de médiation interviennent sur des territoires "
            "contigus avec des horaires qui se chevauchent le soir et rien le week-end. Un "
            "planning commun, une formation partagée et un poste de coordination permettent "
            "de couvrir le samedi et le dimanche sans recrutement supplémentaire.",
            "expected_budget": "820000",
            "expected_savings": "76000",
            "target_date": date(2026, 9, 1),
        },
        comments=(
            ("cotech2", "Les trois communes ont donné leur accord de principe en CISPD."),
            ("copil1", "Le COPIL demande un bilan à six mois du planning commun."),
        ),
    ),
    DemoPooling(
        "Réseau de soutien à la parentalité Centre–Sud",
        "coordination",
        "espacesud",
        ("lamentin_parents", "marin_familles", "espacesud_parentalite"),
        "proposed",
        {
            "rationale": "Trois dispositifs de soutien à la parentalité couvrent le Lamentin "
            "et le Sud sans se connaître. Un annuaire commun, un calendrier d'ateliers partagé "
            "et des orientations croisées éviteraient les doublons et les zones blanches.",
            "expected_budget": "144000",
            "expected_savings": "12000",
            "target_date": date(2027, 1, 1),
        },
        comments=(("cotech1", "La CAF est prête à co-animer le réseau."),),
    ),
    DemoPooling(
        "Équipe commune de prévention spécialisée Centre–Nord",
        "fusion",
        "ctm",
        ("cacem_rue", "capnord_educateurs"),
        "recorded",
        {
            "rationale": "L'équipe de rue du Centre et les éducateurs itinérants du Nord sont "
            "financés par la CTM et suivent parfois les mêmes jeunes. Les fusionner en une "
            "équipe unique, avec deux antennes, simplifierait le financement et le suivi.",
            "expected_budget": "650000",
            "expected_savings": "45000",
            "target_date": date(2027, 9, 1),
        },
        comments=(("ctm", "La CTM souhaite d'abord l'avis des deux conseils d'administration."),),
    ),
)

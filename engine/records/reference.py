"""Reference data shipped with Maillage: territories of Martinique and the vocabularies."""

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Territory, VocabularyTerm

COMMUNES_CSV = Path(__file__).resolve().parents[1] / "reference" / "communes.csv"
DEPARTMENT = ("972", "Martinique")

THEMES = [
    (
        "prevention_delinquance_jeunes",
        "prévention de la délinquance des jeunes",
        "youth crime prevention",
    ),
    ("soutien_parentalite", "soutien à la parentalité", "parenting support"),
    (
        "reussite_educative",
        "réussite éducative et décrochage scolaire",
        "educational success and school dropout",
    ),
    ("insertion", "insertion sociale et professionnelle", "social and professional integration"),
    (
        "recidive_reinsertion",
        "prévention de la récidive et réinsertion",
        "reoffending prevention and reintegration",
    ),
    ("aide_victimes", "aide aux victimes", "victim support"),
    (
        "violences_intrafamiliales",
        "violences intrafamiliales et faites aux femmes",
        "domestic violence and violence against women",
    ),
    ("addictions", "addictions et conduites à risque", "addictions and risk behaviour"),
    (
        "mediation_tranquillite",
        "médiation sociale et tranquillité publique",
        "social mediation and public peace",
    ),
    ("sport_culture_loisirs", "sport, culture et loisirs", "sport, culture and leisure"),
    ("sante", "santé et santé mentale", "health and mental health"),
    ("logement_hebergement", "logement et hébergement", "housing and shelter"),
    (
        "citoyennete_numerique",
        "citoyenneté et numérique (cyber-harcèlement)",
        "citizenship and digital life (cyberbullying)",
    ),
]
PUBLICS = [
    ("familles_parents", "familles et parents", "families and parents"),
    ("enfants", "enfants (0–11 ans)", "children (0–11)"),
    ("adolescents", "adolescents (12–17 ans)", "teenagers (12–17)"),
    ("jeunes_adultes", "jeunes adultes (18–25 ans)", "young adults (18–25)"),
    ("jeunes_justice", "jeunes sous main de justice", "young people under judicial supervision"),
    ("sortants_detention", "personnes sortant de détention", "people leaving prison"),
    ("victimes", "victimes", "victims"),
    ("femmes_victimes", "femmes victimes de violences", "women victims of violence"),
    (
        "exclusion_precarite",
        "personnes en situation d'exclusion ou de précarité",
        "people in exclusion or poverty",
    ),
    ("personnes_agees", "personnes âgées", "older people"),
    ("tout_public", "habitants / tout public", "residents / general public"),
    ("professionnels", "professionnels et bénévoles", "professionals and volunteers"),
]
AID_TYPES = [
    ("aide_financiere", "aide financière", "financial aid"),
    ("accompagnement", "accompagnement / suivi", "support / follow-up"),
    ("formation", "formation", "training"),
    ("mediation", "médiation", "mediation"),
    ("hebergement", "hébergement", "shelter"),
    ("equipement", "équipement / matériel", "equipment"),
    ("information", "information et sensibilisation", "information and awareness"),
]
VOCABULARY_DATA = {"theme": THEMES, "public": PUBLICS, "aid_type": AID_TYPES}


def load_reference(session: Session) -> dict[str, int]:
    """Insert the territories and vocabulary terms that are missing; return how many were added."""
    return {"territories": _load_territories(session), "terms": _load_vocabularies(session)}


def _load_territories(session: Session) -> int:
    existing = {(t.kind, t.code): t for t in session.scalars(select(Territory))}
    added = 0

    def ensure(kind, code, name, **extra) -> Territory:
        nonlocal added
        territory = existing.get((kind, code))
        if territory is None:
            territory = Territory(kind=kind, code=code, name=name, **extra)
            session.add(territory)
            existing[(kind, code)] = territory
            added += 1
        return territory

    ensure("department", DEPARTMENT[0], DEPARTMENT[1], short_name=DEPARTMENT[1])
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    epci = {}
    for row in rows:
        epci[row["epci_siren"]] = ensure(
            "epci", row["epci_siren"], row["epci_nom_officiel"], short_name=row["epci_usuel"]
        )
    session.flush()
    for row in rows:
        ensure(
            "commune",
            row["insee"],
            row["commune"],
            short_name=row["commune"],
            population=int(row["pop_totale_2024"]),
            epci_id=epci[row["epci_siren"]].id,
        )
    session.flush()
    return added


def _load_vocabularies(session: Session) -> int:
    existing = {(t.vocabulary, t.code) for t in session.scalars(select(VocabularyTerm))}
    added = 0
    for vocabulary, terms in VOCABULARY_DATA.items():
        for position, (code, label_fr, label_en) in enumerate(terms, start=1):
            if (vocabulary, code) not in existing:
                session.add(
                    VocabularyTerm(
                        vocabulary=vocabulary,
                        code=code,
                        label_fr=label_fr,
                        label_en=label_en,
                        position=position,
                    )
                )
                added += 1
    session.flush()
    return added

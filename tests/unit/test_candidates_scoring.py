"""Scoring pooling candidates: overlap rules, text similarity, reasons in French and English."""

from engine.candidates.features import Facts, Place, SchemeFacts, Term
from engine.candidates.groups import cliques
from engine.candidates.reasons import pair_reasons, sentence
from engine.candidates.scoring import score_all, score_rows
from engine.candidates.text import analyse

# Martinique (1) holds the CACEM (2): Fort-de-France (3) and Le Lamentin (4); CAP Nord (5)
# holds Basse-Pointe (6).
PLACES = {
    1: Place(1, "department", "Martinique", frozenset()),
    2: Place(2, "epci", "CACEM", frozenset({1})),
    3: Place(3, "commune", "Fort-de-France", frozenset({1, 2})),
    4: Place(4, "commune", "Le Lamentin", frozenset({1, 2})),
    5: Place(5, "epci", "CAP Nord", frozenset({1})),
    6: Place(6, "commune", "Basse-Pointe", frozenset({1, 5})),
}
TERMS = {
    10: Term("adolescents", "adolescents", "teenagers"),
    11: Term("familles", "familles", "families"),
    20: Term("mediation", "médiation", "mediation"),
    21: Term("parentalite", "soutien à la parentalité", "parenting support"),
    30: Term("accompagnement", "accompagnement", "support"),
}
MEDIATION = "Médiateurs de nuit auprès des adolescents dans les quartiers, écoute et orientation"


def scheme(id_, places, *, text=MEDIATION, publics=(10,), themes=(20,), org=1, ages=(12, 17)):
    return SchemeFacts(
        id=id_,
        reference=f"DSP-2026-{id_:04d}",
        title=f"Dispositif {id_}",
        organisation_id=org,
        organisation=f"Structure {org}",
        text=text,
        age_min=ages[0],
        age_max=ages[1],
        budget=None,
        themes=list(themes),
        publics=list(publics),
        aid_types=[30],
        territories=list(places),
    )


def pairs(*schemes: SchemeFacts) -> dict[tuple[int, int], float]:
    facts = Facts(list(schemes), TERMS, PLACES)
    scored = score_all(facts)
    ids = [s.id for s in schemes]
    return {
        (ids[a], ids[b]): s
        for a, b, s in zip(scored.a.tolist(), scored.b.tolist(), scored.score.tolist(), strict=True)
    }


def test_the_text_is_compared_without_accents_case_or_french_stop_words():
    assert analyse("L'Éducation des Jeunes à l'école, au Lamentin") == [
        "education",
        "jeunes",
        "ecole",
        "lamentin",
    ]
    assert analyse("le la les des pour avec dans un une") == []


def test_a_commune_overlaps_its_epci_and_martinique_but_not_another_commune():
    found = pairs(
        scheme(1, [4]),  # Le Lamentin
        scheme(2, [2]),  # the CACEM, which holds Le Lamentin
        scheme(3, [1]),  # all of Martinique
        scheme(4, [3]),  # Fort-de-France: a neighbour, not an overlap of Le Lamentin
        scheme(5, [5]),  # CAP Nord: no overlap with the CACEM
    )
    assert (1, 2) in found and (1, 3) in found and (2, 3) in found and (2, 4) in found
    assert (1, 4) not in found
    assert (2, 5) not in found
    assert (3, 5) in found  # Martinique overlaps everything


def test_the_same_commune_scores_above_a_commune_inside_its_epci():
    found = pairs(scheme(1, [4]), scheme(2, [4]), scheme(3, [2]))
    assert found[(1, 2)] > found[(1, 3)]


def test_pairs_sharing_neither_a_theme_nor_a_public_are_not_scored():
    other = scheme(2, [4], publics=(11,), themes=(21,))
    assert pairs(scheme(1, [4]), other) == {}


def test_accents_and_case_do_not_change_the_text_similarity():
    plain = scheme(2, [4], text=MEDIATION.upper().replace("É", "E").replace("È", "E"))
    different = scheme(3, [4], text="Chantiers d'été rémunérés, travaux de peinture encadrés")
    found = pairs(scheme(1, [4]), plain, different)
    assert found[(1, 2)] > found[(1, 3)]
    facts = Facts([scheme(1, [4]), plain], TERMS, PLACES)
    assert score_all(facts).parts["text"][0] > 0.99


def test_the_reasons_are_said_in_french_and_in_english():
    a = scheme(1, [4])
    b = scheme(2, [4], ages=(14, 20))
    facts = Facts([a, b], TERMS, PLACES)
    reasons = pair_reasons(facts, a, b, 0.72)
    assert sentence(reasons) == (
        "mêmes publics (adolescents), même thématique (médiation), même commune (Le Lamentin), "
        "âges communs (14 à 17\u00a0ans), même nature d'aide (accompagnement), "
        "descriptions proches à 72\u00a0%, même structure (Structure 1)"
    )
    assert sentence(reasons, english=True).startswith(
        "same publics (teenagers), same theme (mediation), same commune (Le Lamentin)"
    )


def test_a_commune_inside_an_epci_or_martinique_is_said_so():
    a, b, c = scheme(1, [4]), scheme(2, [2], org=2), scheme(3, [1], org=3)
    facts = Facts([a, b, c], TERMS, PLACES)
    assert "territoires qui se recouvrent (Le Lamentin dans CACEM)" in sentence(
        pair_reasons(facts, a, b, 0.0)
    )
    assert "territoires qui se recouvrent (Le Lamentin et toute la Martinique)" in sentence(
        pair_reasons(facts, a, c, 0.0)
    )


def test_each_scheme_keeps_only_its_best_candidates():
    schemes = [scheme(i, [4]) for i in range(1, 8)]
    facts = Facts(schemes, TERMS, PLACES)
    assert len(score_all(facts, top=2).score) < len(score_all(facts).score) == 21


def test_scoring_one_row_gives_the_same_pairs_as_scoring_all():
    schemes = [scheme(1, [4]), scheme(2, [2]), scheme(3, [1]), scheme(4, [3])]
    facts = Facts(schemes, TERMS, PLACES)
    full, one = score_all(facts), score_rows(facts, [0])
    mine = {(a, b): s for a, b, s in zip(full.a, full.b, full.score, strict=True) if 0 in (a, b)}
    assert {(a, b): s for a, b, s in zip(one.a, one.b, one.score, strict=True)} == mine


def test_groups_are_the_schemes_that_all_overlap_each_other():
    found = cliques({(1, 2): 0.6, (1, 3): 0.5, (2, 3): 0.7, (3, 4): 0.9, (2, 4): 0.4})
    assert found == [((1, 2, 3), 0.6)]  # (2, 4) is too weak to make (2, 3, 4) a group


def test_a_scheme_is_in_two_groups_at_most():
    strong = {(a, b): 0.8 for a in range(1, 5) for b in range(a + 1, 5)}  # 1-2-3-4 all close
    strong |= {(1, 5): 0.9, (1, 6): 0.9, (5, 6): 0.9, (1, 7): 0.7, (1, 8): 0.7, (7, 8): 0.7}
    groups = cliques(strong)
    assert sum(1 in ids for ids, _ in groups) == 2
    assert groups[0][0] == (1, 5, 6)

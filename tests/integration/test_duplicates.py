"""Possible duplicates of a scheme being typed: close titles, visible schemes only."""

from engine.db.uow import UnitOfWork
from engine.queries.duplicates import significant_words, similar_schemes


def _similar(world, who: str, title: str, **kwargs):
    with UnitOfWork(world.db) as uow:
        return similar_schemes(uow.session, world.actors[who], title, **kwargs)


def test_significant_words_are_folded_and_skip_small_and_common_ones():
    assert significant_words("Dispositif de Médiation SOCIALE à l'école") == {
        "mediation",
        "sociale",
        "ecole",
    }


def test_a_close_title_is_found_with_its_reasons(world):
    ref = world.scheme("recorded", title="Médiation sociale de nuit")
    world.scheme("recorded", title="Chantier d'insertion")
    found = _similar(
        world, "other_owner", "mediation sociale nocturne", organisation_id=world.organisation_id
    )
    assert [s.id for s in found] == [ref.id]
    assert found[0].reasons == ("intitulé proche", "même structure")
    assert found[0].organisation == "Ville de Fort-de-France"


def test_an_invisible_draft_is_never_suggested(world):
    draft = world.scheme("draft", title="Médiation sociale de nuit")
    assert _similar(world, "other_owner", "Médiation sociale de nuit") == []
    assert [s.id for s in _similar(world, "owner2", "Médiation sociale de nuit")] == [draft.id]


def test_the_scheme_itself_is_excluded(world):
    ref = world.scheme("recorded", title="Médiation sociale de nuit")
    assert _similar(world, "cotech", "Médiation sociale de nuit", exclude_id=ref.id) == []


def test_once_themes_are_known_another_organisations_scheme_must_share_ground(world):
    world.scheme("recorded", title="Médiation sociale de nuit")  # themes: médiation…
    unrelated = _similar(
        world,
        "other_owner",
        "Médiation sociale du soir",
        organisation_id=world.other_organisation_id,
        themes=["aide_victimes"],
        territories=["COM-97230"],
    )
    assert unrelated == []
    related = _similar(
        world,
        "other_owner",
        "Médiation sociale du soir",
        organisation_id=world.other_organisation_id,
        themes=["mediation_tranquillite"],
        territories=["DEP-972"],
    )
    assert related[0].reasons == ("intitulé proche", "thématiques communes", "territoires communs")


def test_a_title_without_significant_words_finds_nothing(world):
    world.scheme("recorded", title="Aide")
    assert _similar(world, "cotech", "Aide") == []

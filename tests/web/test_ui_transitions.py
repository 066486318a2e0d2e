"""The scheme page: fields, actions each role may take and why not, conflicts, history, comments."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from engine.db.uow import UnitOfWork
from engine.models import Scheme
from engine.services.meetings import add_item, plan_meeting


@pytest.fixture
def ui(ui):
    """A signed-in browser holding the CSRF token of a page it has seen, as a person would."""

    def signed_in(key: str):
        browser = ui(key)
        browser.get("/compte")
        return browser

    return signed_in


def _state(world, scheme_id: int) -> tuple[str, int]:
    with UnitOfWork(world.db) as uow:
        scheme = uow.session.get(Scheme, scheme_id)
        return scheme.state, scheme.version


def _page(browser, scheme_id: int) -> str:
    response = browser.get(f"/dispositifs/{scheme_id}")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _buttons(html: str) -> set[str]:
    """The transitions offered as forms on the page."""
    return set(re.findall(r'id="action-([a-z_]+)"', html))


def test_anonymous_visitors_are_sent_to_sign_in(world, browser):
    ref = world.scheme("recorded")
    response = browser.get(f"/dispositifs/{ref.id}")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_the_page_shows_the_fields_the_french_way(world, ui):
    ref = world.scheme("recorded", annual_budget="12500.50", end_date=None)
    html = _page(ui("cotech"), ref.id)
    assert "Médiateurs de rue auprès des jeunes le soir" in html
    assert "12\u202f500,50\u00a0€" in html
    assert "15/01/2024" in html
    assert "médiation sociale et tranquillité publique" in html
    assert "Fort-de-France" in html
    assert 'class="badge badge-recorded">enregistré<' in html
    assert "en cours, sans date de fin" in html
    assert "<dd>—</dd>" in html  # empty fields (capacity…)


def test_draft_of_another_organisation_is_not_found(world, ui):
    ref = world.scheme("draft")
    assert ui("other_owner").get(f"/dispositifs/{ref.id}").status_code == 404
    assert ui("cotech").get(f"/dispositifs/{ref.id}").status_code == 404
    assert ui("admin").get(f"/dispositifs/{ref.id}").status_code == 200


def test_the_owner_of_a_draft_may_submit_withdraw_and_edit(world, ui):
    ref = world.scheme("draft")
    html = _page(ui("owner"), ref.id)
    assert _buttons(html) == {"submit", "withdraw"}
    assert "Modifier la fiche" in html


def test_missing_fields_are_named_in_french(world, ui):
    ref = world.scheme("draft", complete=False)
    html = _page(ui("owner"), ref.id)
    assert "submit" not in _buttons(html)
    assert "À compléter avant de « soumettre »" in html
    for label in ("Résumé", "Thématiques", "Territoire couvert", "Date de début"):
        assert f"<li>{label}</li>" in html, label


def test_an_owner_of_another_organisation_sees_no_button(world, ui):
    ref = world.scheme("recorded")
    html = _page(ui("other_owner"), ref.id)
    assert _buttons(html) == set()
    assert "Aucune action ne vous est ouverte" in html
    assert "Modifier la fiche" not in html


def test_cotech_on_their_own_submission_is_told_about_separation_of_duties(world, ui):
    world.actors["cotech_owner"] = world.add_user(
        "cotech_owner", ["cotech", "owner"], world.organisation_id
    )
    ref = world.scheme("draft")
    world.fire(ref, "submit", "cotech_owner")
    html = _page(ui("cotech_owner"), ref.id)
    assert "review" not in _buttons(html)
    assert {"request_changes", "reject"} <= _buttons(html)
    assert "Vous avez soumis ce dispositif : un autre membre du COTECH doit l'examiner." in html


def test_copil_sees_no_decision_button_but_that_it_is_decided_in_session(world, ui):
    ref = world.scheme("proposed")
    html = _page(ui("copil"), ref.id)
    assert _buttons(html) == set()
    assert 'name="decision_reference"' not in html
    assert "Action réservée aux membres du COPIL" not in html
    assert (
        "À décider en séance (approuver, renvoyer au COTECH, ne pas retenir) : à inscrire à "
        "l'ordre du jour d'une prochaine séance."
    ) in html
    # Put on a meeting's agenda, the page names that meeting and links to it.
    secretary = world.secretary()
    with UnitOfWork(world.db) as uow:
        meeting = plan_meeting(
            uow,
            secretary,
            committee="copil",
            title="COPIL de janvier",
            starts_at=datetime(2027, 1, 14, 13, 0, tzinfo=UTC),
            secretary_id=secretary.id,
            member_ids=[world.actors["copil"].id],
        )
        meeting_id = meeting.id
    with UnitOfWork(world.db) as uow:
        add_item(uow, secretary, meeting_id, ref)
    html = _page(ui("copil"), ref.id)
    assert re.search(
        r"À décider en séance \(approuver, renvoyer au COTECH, ne pas retenir\) : inscrit à "
        rf"l'ordre du jour de la séance\s*<a href=\"/seances/{meeting_id}\">COPIL-2027-01</a>"
        r"\s*du 14/01/2027 à 09:00.",
        html,
    )
    assert "prochaine séance" not in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("approve", {"decision_reference": "COPIL du 09/12/2026, décision n°3"}),
        ("send_back", {"comment": "Précisez les publics."}),
        ("reject", {"comment": "Hors champ."}),
    ],
)
def test_a_copil_member_cannot_decide_alone_from_the_page(world, ui, name, data):
    ref = world.scheme("proposed")
    before = _state(world, ref.id)
    copil = ui("copil")
    response = copil.post(
        f"/dispositifs/{ref.id}/transitions/{name}", data={"version": str(before[1]), **data}
    )
    assert response.status_code == 403
    assert "ne se fait qu'en séance" in unescape(response.get_data(as_text=True))
    assert _state(world, ref.id) == before
    # The committee decides in session: the decision's number becomes the reference.
    number = world.decide(ref, name, comment=data.get("comment"))
    html = _page(copil, ref.id)
    assert number in html
    with UnitOfWork(world.db) as uow:
        scheme = uow.session.get(Scheme, ref.id)
        assert scheme.state == {"approve": "approved", "send_back": "reviewed"}.get(
            name, "rejected"
        )


def test_submitting_redirects_with_a_french_message(world, ui):
    ref = world.scheme("draft")
    owner = ui("owner")
    _page(owner, ref.id)
    version = _state(world, ref.id)[1]
    response = owner.post(
        f"/dispositifs/{ref.id}/transitions/submit", data={"version": str(version)}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/dispositifs/{ref.id}")
    assert _state(world, ref.id)[0] == "recorded"
    html = _page(owner, ref.id)
    assert "« Soumettre » effectué : le dispositif est maintenant enregistré." in html


def test_a_forbidden_transition_is_refused_and_changes_nothing(world, ui):
    ref = world.scheme("recorded")
    before = _state(world, ref.id)
    response = ui("owner").post(
        f"/dispositifs/{ref.id}/transitions/review", data={"version": str(before[1])}
    )
    assert response.status_code == 403
    assert "réservée aux membres du COTECH" in unescape(response.get_data(as_text=True))
    assert _state(world, ref.id) == before


def test_a_missing_comment_is_shown_next_to_the_input_and_the_rest_kept(world, ui):
    ref = world.scheme("recorded")
    before = _state(world, ref.id)
    response = ui("cotech").post(
        f"/dispositifs/{ref.id}/transitions/request_changes",
        data={"version": str(before[1]), "comment": "   "},
    )
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert 'id="action-request_changes-comment-erreur-1"' in html
    assert _state(world, ref.id) == before


def test_a_bad_target_date_is_refused_with_the_typed_value_kept(world, ui):
    ref = world.scheme("reviewed")
    before = _state(world, ref.id)
    response = ui("cotech").post(
        f"/dispositifs/{ref.id}/transitions/propose",
        data={"version": str(before[1]), "target_date": "le 9 décembre"},
    )
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "jj/mm/aaaa" in html and 'value="le 9 décembre"' in html
    assert _state(world, ref.id) == before
    response = ui("cotech").post(
        f"/dispositifs/{ref.id}/transitions/propose",
        data={"version": str(before[1]), "target_date": "09/12/2026"},
    )
    assert response.status_code == 303
    assert "Date de COPIL visée" in _page(ui("cotech"), ref.id)


def test_a_stale_page_gives_the_conflict_page_with_the_comment_kept(world, ui):
    ref = world.scheme("recorded")
    cotech = ui("cotech")
    html = _page(cotech, ref.id)
    stale = _state(world, ref.id)[1]
    world.fire(ref, "review", "cotech2")
    response = cotech.post(
        f"/dispositifs/{ref.id}/transitions/request_changes",
        data={"version": str(stale), "seen": _seen(html), "comment": "Précisez le budget SVP."},
    )
    assert response.status_code == 409
    html = unescape(response.get_data(as_text=True))
    assert "cotech2@example.mq" in html
    assert "Ce qui a changé depuis" in html and "Valider l'examen" in html
    assert "Précisez le budget SVP." in html  # kept, in the retry form
    assert f'name="version" value="{stale + 1}"' in html
    assert _state(world, ref.id) == ("reviewed", stale + 1)


def _seen(html: str) -> str:
    return re.search(r'name="seen" value="(\d+)"', html).group(1)


def test_the_same_transition_sent_twice_is_a_conflict_not_a_second_change(world, ui):
    ref = world.scheme("draft")
    owner = ui("owner")
    version = str(_state(world, ref.id)[1])
    owner.post(f"/dispositifs/{ref.id}/transitions/submit", data={"version": version})
    response = owner.post(f"/dispositifs/{ref.id}/transitions/submit", data={"version": version})
    assert response.status_code == 409
    assert "Votre action n'est plus possible" in unescape(response.get_data(as_text=True))


def test_the_timeline_shows_edits_before_and_after_newest_first(world, ui):
    ref = world.scheme("recorded")
    html = _page(ui("cotech"), ref.id)
    assert html.index("Soumettre") < html.index("Modification") < html.index("Création")
    assert '<th scope="row">Résumé</th><td>—</td><td>Médiateurs de rue' in html
    assert "(brouillon → enregistré)" in html


def test_comments_are_listed_and_audited(world, ui):
    ref = world.scheme("recorded")
    copil = ui("copil")
    _page(copil, ref.id)
    response = copil.post(f"/dispositifs/{ref.id}/commentaires", data={"body": "À suivre."})
    assert response.status_code == 303
    html = _page(copil, ref.id)
    assert '<p class="commentaire-texte">À suivre.</p>' in html
    assert "Commentaire" in html
    response = copil.post(f"/dispositifs/{ref.id}/commentaires", data={"body": "  "})
    assert response.status_code == 422
    assert 'id="commentaire-erreur"' in response.get_data(as_text=True)


def test_comments_on_an_invisible_draft_are_not_found(world, ui):
    ref = world.scheme("draft")
    response = ui("cotech").post(f"/dispositifs/{ref.id}/commentaires", data={"body": "x"})
    assert response.status_code == 404


def test_the_case_file_is_handed_out(world, ui):
    ref = world.scheme("recorded")
    cotech = ui("cotech")
    _page(cotech, ref.id)
    response = cotech.post(f"/dispositifs/{ref.id}/dossier", data={"format": "html"})
    assert response.status_code == 200
    assert "Dossier de dispositif" in response.get_data(as_text=True)

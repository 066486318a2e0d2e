"""The « Avis » and « Notes du comité » sections of the scheme and pooling pages, the opinion's
own page where the service answers, and the expert's « À traiter »."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, CommitteeNote, Opinion
from engine.services.committee_notes import add_note
from engine.services.opinions import OpinionRequest, answer_opinion, request_opinion
from engine.services.users import set_locale
from tests.factories import add_experts

SECRET = "Note confidentielle : le porteur a un contentieux en cours."


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def experts(world):
    return add_experts(world)


def _today(world):
    with UnitOfWork(world.db) as uow:
        return local(uow.clock()).date()


def _count(world, model) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _ask(world, record, days=10):
    with UnitOfWork(world.db) as uow:
        return request_opinion(
            uow,
            record,
            world.actors["cotech"],
            OpinionRequest(
                world.police_id,
                "Quels faits dans ce quartier ?",
                _today(world) + timedelta(days=days),
            ),
        )


def _form(world, **changes) -> dict:
    due = _today(world) + timedelta(days=15)
    return {
        "expert_organisation_id": str(world.police_id),
        "expert_user_id": "",
        "question": "Le quartier visé connaît-il des faits de délinquance ?",
        "due_on": due.strftime("%d/%m/%Y"),
        **changes,
    }


@pytest.mark.parametrize(
    ("kind", "path"), [("scheme", "dispositifs"), ("pooling", "mutualisations")]
)
def test_the_cotech_asks_an_opinion_from_the_record_page(experts, ui, kind, path):
    world = experts
    record = world.scheme("recorded") if kind == "scheme" else world.pooling("recorded")
    browser = ui("cotech")
    page = text_of(browser.get(f"/{path}/{record.id}"))
    assert "Demander un avis" in page and "Police nationale" in page
    response = browser.post(f"/{path}/{record.id}/avis", _form(world))
    assert response.status_code == 303 and response.headers["Location"].endswith("#avis")
    page = text_of(browser.get(f"/{path}/{record.id}"))
    assert "Le quartier visé connaît-il des faits de délinquance ?" in page
    assert "Demandé" in page and "Retirer la demande" in page
    assert _count(world, Opinion) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": "   "}, "Indiquez la question posée au service."),
        ({"due_on": "01/01/2020"}, "La date attendue doit être postérieure à aujourd'hui."),
        ({"due_on": "31/02/2027"}, "Cette date n'existe pas : 31/02/2027."),
        ({"due_on": ""}, "Indiquez la date à laquelle l'avis est attendu."),
        ({"expert_organisation_id": "999999"}, "Ce service n'existe pas."),
        ({"expert_organisation_id": "n'importe quoi"}, "Ce service n'existe pas."),
        ({"expert_organisation_id": ""}, "Choisissez le service consulté."),
    ],
)
def test_a_bad_request_is_shown_again_in_french_and_nothing_is_written(
    experts, ui, changes, message
):
    world = experts
    scheme = world.scheme("recorded")
    browser = ui("cotech")  # signing in is audited: count after it
    before = _count(world, AuditEvent)
    form = _form(world, **changes)
    response = browser.post(f"/dispositifs/{scheme.id}/avis", form)
    page = text_of(response)
    assert response.status_code == 422
    assert message in page
    assert "La demande n'a pas été envoyée" in page
    if form["question"].strip():
        assert form["question"] in page  # nothing typed is lost
    assert _count(world, Opinion) == 0 and _count(world, AuditEvent) == before


def test_the_expert_answers_from_the_worklist_and_the_committee_reads_it(experts, ui, clock):
    world = experts
    scheme = world.scheme("recorded")
    late = _ask(world, scheme, days=2)
    pending = _ask(world, scheme, days=30)
    clock.advance(days=5)
    police = ui("police")
    work = text_of(police.get("/a-traiter"))
    assert "Avis demandés à votre service" in work
    assert f'href="/avis/{late.id}"' in work and f'href="/avis/{pending.id}"' in work
    assert work.count("En retard") == 1
    assert "Dans cet état depuis" not in work or "Rien ne vous attend" not in work
    # On the scheme's page (a recorded scheme is public to the signed-in), the service sees the
    # requests made to it, not the rest of the committee's work.
    record_page = text_of(police.get(f"/dispositifs/{scheme.id}"))
    assert f'href="/avis/{late.id}"' in record_page and "Demander un avis" not in record_page
    assert "Notes du comité" not in record_page
    page = text_of(police.get(f"/avis/{late.id}"))
    assert "Quels faits dans ce quartier ?" in page and "Rendre l'avis" in page
    bad = police.post(
        f"/avis/{late.id}/reponse", {"verdict": "", "answer": "Texte gardé", "version": "1"}
    )
    assert bad.status_code == 422 and "Texte gardé" in text_of(bad)
    assert "L'avis n'a pas été enregistré" in text_of(bad)
    done = police.post(
        f"/avis/{late.id}/reponse",
        {"verdict": "reserved", "answer": "Réservé : cibler le soir.", "version": "1"},
    )
    assert done.status_code == 303
    assert f'href="/avis/{late.id}"' not in text_of(police.get("/a-traiter"))
    committee = text_of(ui("copil").get(f"/dispositifs/{scheme.id}"))
    assert "Avis réservé" in committee and "Réservé : cibler le soir." in committee
    assert "Retirer la demande" not in committee  # the COPIL reads, the COTECH withdraws


def test_others_may_not_answer_nor_read_an_opinion_page(experts, ui):
    world = experts
    opinion = _ask(world, world.scheme("recorded"))
    assert ui("owner").get(f"/avis/{opinion.id}").status_code == 404
    assert ui("other_owner").get(f"/avis/{opinion.id}").status_code == 404
    cotech = ui("cotech")
    assert "Rendre l'avis" not in text_of(cotech.get(f"/avis/{opinion.id}"))
    refused = cotech.post(f"/avis/{opinion.id}/reponse", {"verdict": "favourable", "answer": "Oui"})
    assert refused.status_code == 403
    assert ui("police").post(f"/avis/{opinion.id}/retrait", {}).status_code == 403
    response = cotech.post(f"/avis/{opinion.id}/retrait", {"version": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#avis")
    assert "Demande retirée" in text_of(cotech.get(f"/dispositifs/{opinion.record_id}"))


def test_owners_see_neither_opinions_nor_committee_notes(experts, ui):
    world = experts
    scheme = world.scheme("recorded")
    opinion = _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        answer_opinion(
            uow, opinion.id, world.actors["police"], "favourable", "Avis secret favorable."
        )
    cotech = ui("cotech")
    assert cotech.post(f"/dispositifs/{scheme.id}/notes", {"body": SECRET}).status_code == 303
    committee = text_of(cotech.get(f"/dispositifs/{scheme.id}"))
    assert "Notes du comité (non visibles des porteurs)" in committee and SECRET in committee
    for key in ("owner", "owner2", "other_owner"):
        page = text_of(ui(key).get(f"/dispositifs/{scheme.id}"))
        assert SECRET not in page and "Avis secret favorable." not in page
        assert "Notes du comité" not in page and "Demander un avis" not in page
        assert ui(key).post(f"/dispositifs/{scheme.id}/notes", {"body": "x"}).status_code == 403
    assert SECRET not in text_of(ui("police").get(f"/avis/{opinion.id}"))


def test_a_committee_note_needs_a_text(experts, ui):
    world = experts
    scheme = world.scheme("recorded")
    response = ui("copil").post(f"/dispositifs/{scheme.id}/notes", {"body": "  "})
    assert response.status_code == 422
    assert _count(world, CommitteeNote) == 0
    with UnitOfWork(world.db) as uow:
        add_note(uow, scheme, world.actors["secretary"], "Note de séance.")
    assert "Note de séance." in text_of(ui("admin").get(f"/dispositifs/{scheme.id}"))


def test_an_owner_never_reads_a_committee_note_or_an_opinion_anywhere(experts, ui, api):
    """Page, API (record, events, notes, opinions), log (page and API), case file, export,
    public catalogue: the note's and the opinion's texts reach none of them for owners."""
    world = experts
    scheme = world.scheme("approved")
    opinion = _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, opinion.id, world.actors["police"], "reserved", "Texte d'avis secret.")
    with UnitOfWork(world.db) as uow:
        add_note(uow, scheme, world.actors["cotech"], SECRET)
    secrets = (SECRET, "Texte d'avis secret.", "Quels faits dans ce quartier ?")
    committee = ui("cotech")
    assert SECRET in text_of(committee.get(f"/dispositifs/{scheme.id}"))
    assert SECRET in text_of(committee.get("/journal"))
    for key in ("owner", "owner2"):
        browser = ui(key)
        answers = [
            browser.get(f"/dispositifs/{scheme.id}"),
            browser.post(f"/dispositifs/{scheme.id}/dossier", {"format": "html"}),
            browser.get("/journal"),
            browser.get("/dispositifs/export?format=csv"),
            browser.get(f"/avis/{opinion.id}"),
            browser.get("/a-traiter"),
            api[key].get(f"/api/v1/schemes/{scheme.id}"),
            api[key].get(f"/api/v1/schemes/{scheme.id}/events"),
            api[key].get(f"/api/v1/schemes/{scheme.id}/notes"),
            api[key].get("/api/v1/events"),
            api[key].get("/api/v1/opinions"),
            api[key].get(f"/api/v1/opinions/{opinion.id}"),
        ]
        for response in answers:
            body = response.get_data(as_text=True)
            assert response.status_code < 500
            for secret in secrets:
                assert secret not in unescape(body), (key, response.request.path, secret)
    public = ui("other_owner").client.application.test_client()
    for path in ("/catalogue", f"/catalogue/{scheme.id}"):
        body = text_of(public.get(path))
        assert all(secret not in body for secret in secrets)


def test_the_opinions_read_in_english_for_an_english_account(experts, ui):
    world = experts
    scheme = world.scheme("recorded")
    opinion = _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, opinion.id, world.actors["police"], "reserved", "Avec réserves.")
    with UnitOfWork(world.db) as uow:
        set_locale(uow, world.actors["cotech"], "en")
    page = text_of(ui("cotech").get(f"/dispositifs/{scheme.id}"))
    assert "Opinion: with reservations" in page and "Given" in page
    assert "Request an opinion" in page and "Committee notes (not visible to scheme owners)" in page

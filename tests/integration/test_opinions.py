"""Opinions (avis) and the committees' private notes: the services, their audit events, who may
do and read what, and what "À traiter" shows the expert."""

from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.documents import convocation_document, render_case_file
from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, CommitteeNote, Opinion
from engine.models.notification import OutboxMessage
from engine.notifications.dispatch import dispatch
from engine.notifications.rendering import render
from engine.queries.worklist import opinion_work
from engine.services.committee_notes import add_note, notes_of
from engine.services.events import EventFilter, find_events
from engine.services.opinions import (
    OpinionFilter,
    OpinionRequest,
    answer_opinion,
    find_opinions,
    opinions_of,
    request_opinion,
    withdraw_opinion,
)
from tests.factories import World, add_experts
from tests.integration.test_meeting_minutes import sit


@pytest.fixture
def experts(world: World) -> World:
    return add_experts(world)


def _today(world: World) -> date:
    with UnitOfWork(world.db) as uow:
        return local(uow.clock()).date()


def _ask(world: World, record, who="cotech", **changes) -> Opinion:
    wanted = {
        "expert_organisation_id": world.police_id,
        "question": "Ce quartier connaît-il des faits de délinquance des mineurs ?",
        "due_on": _today(world) + timedelta(days=15),
        **changes,
    }
    with UnitOfWork(world.db) as uow:
        return request_opinion(uow, record, world.actors[who], OpinionRequest(**wanted))


def _count(world: World, model) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _events(world: World, record_type: str) -> list[AuditEvent]:
    with UnitOfWork(world.db) as uow:
        return list(
            uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.record_type == record_type)
                .order_by(AuditEvent.position)
            )
        )


def test_a_request_then_its_answer_are_audited_and_shown_to_the_committee(experts):
    world = experts
    scheme = world.scheme("recorded")
    opinion = _ask(world, scheme, expert_user_id=world.actors["police"].id)
    assert opinion.state == "requested"
    with UnitOfWork(world.db) as uow:
        answered = answer_opinion(
            uow, opinion.id, world.actors["police2"], "reserved", "Avis réservé : à cibler."
        )
    assert (answered.state, answered.verdict, answered.verdict_label) == (
        "answered",
        "reserved",
        "réservé",
    )
    events = _events(world, "opinion")
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("opinion_request", None, "requested"),
        ("answer", "requested", "answered"),
    ]
    first = events[0]
    assert first.record_id == opinion.id
    assert first.actor_id == world.actors["cotech"].id
    assert first.data["record_type"] == "scheme" and first.data["record_id"] == scheme.id
    assert first.record_reference.startswith("DSP-")
    assert events[1].data["verdict"] == "reserved"
    assert events[1].comment == "Avis réservé : à cibler."
    for key in ("cotech", "copil", "admin", "coordinator", "secretary", "police"):
        with UnitOfWork(world.db) as uow:
            found = opinions_of(uow, scheme, world.actors[key])
        assert [o.id for o in found] == [opinion.id], key


def test_owners_never_see_the_opinions_of_their_record(experts):
    world = experts
    scheme = world.scheme("recorded")
    opinion = _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, opinion.id, world.actors["police"], "favourable", "Rien à signaler.")
    for key in ("owner", "owner2"):
        with UnitOfWork(world.db) as uow:
            assert opinions_of(uow, scheme, world.actors[key]) == []
        with UnitOfWork(world.db) as uow:
            assert find_opinions(uow, world.actors[key], OpinionFilter()) == []
        with UnitOfWork(world.db) as uow, pytest.raises(NotFound):
            answer_opinion(uow, opinion.id, world.actors[key], "favourable", "x")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "  "}, "question"),
        ({"due_on": None}, "due_on"),
        ({"expert_organisation_id": None}, "expert_organisation_id"),
        ({"expert_organisation_id": 999_999}, "expert_organisation_id"),
    ],
)
def test_a_bad_request_is_refused_in_french_and_writes_nothing(experts, changes, field):
    world = experts
    scheme = world.scheme("recorded")
    before = len(_events(world, "opinion"))
    with pytest.raises(InvalidInput) as refused:
        _ask(world, scheme, **changes)
    assert field in refused.value.errors
    assert _count(world, Opinion) == 0
    assert len(_events(world, "opinion")) == before


def test_the_due_date_must_be_after_today_on_the_app_clock(experts):
    world = experts
    scheme = world.scheme("recorded")
    for due in (_today(world), _today(world) - timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            _ask(world, scheme, due_on=due)
        assert refused.value.errors["due_on"] == [
            "La date attendue doit être postérieure à aujourd'hui."
        ]
    assert _ask(world, scheme, due_on=_today(world) + timedelta(days=1)).state == "requested"


def test_the_expert_may_not_be_the_records_own_organisation_nor_an_association(experts):
    world = experts
    scheme = world.scheme("recorded")
    with pytest.raises(InvalidInput) as refused:
        _ask(world, scheme, expert_organisation_id=world.organisation_id)
    assert "séparation des fonctions" in refused.value.errors["expert_organisation_id"][0]
    with pytest.raises(InvalidInput) as refused:
        _ask(world, scheme, expert_organisation_id=world.other_organisation_id)
    assert "service de l'État ou à une commune" in refused.value.errors["expert_organisation_id"][0]
    with pytest.raises(InvalidInput) as refused:
        _ask(world, scheme, expert_user_id=world.actors["cotech"].id)
    assert "expert_user_id" in refused.value.errors


def test_a_poolings_member_organisations_may_not_give_an_opinion_on_it(experts):
    world = experts
    pooling = world.pooling("recorded")
    with pytest.raises(InvalidInput):
        _ask(world, pooling, expert_organisation_id=world.organisation_id)
    assert _ask(world, pooling).record_type == "pooling"


def test_only_the_cotech_and_the_coordinator_ask(experts):
    world = experts
    scheme = world.scheme("recorded")
    assert _ask(world, scheme, who="coordinator").state == "requested"
    for key in ("copil", "police", "admin"):
        with pytest.raises((NotPermitted, NotFound)):
            _ask(world, scheme, who=key)
    with pytest.raises(NotPermitted):  # an owner, even on their own record
        _ask(world, world.scheme("draft"), who="owner")


def test_only_the_expert_organisation_answers_and_only_once(experts):
    world = experts
    opinion = _ask(world, world.scheme("recorded"))
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted) as refused:
        answer_opinion(uow, opinion.id, world.actors["cotech"], "favourable", "Oui.")
    assert "Police nationale" in refused.value.reasons[0].message
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        answer_opinion(uow, opinion.id, world.actors["police"], "perhaps", "Oui.")
    assert "verdict" in bad.value.errors
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        answer_opinion(uow, opinion.id, world.actors["police"], "favourable", "  ")
    assert "answer" in bad.value.errors
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, opinion.id, world.actors["police"], "unfavourable", "Non.", 1)
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        answer_opinion(uow, opinion.id, world.actors["police2"], "favourable", "Oui.")
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        withdraw_opinion(uow, opinion.id, world.actors["cotech"])


def test_a_stale_version_is_a_conflict(experts):
    world = experts
    opinion = _ask(world, world.scheme("recorded"))
    with UnitOfWork(world.db) as uow, pytest.raises(Conflict):
        answer_opinion(uow, opinion.id, world.actors["police"], "favourable", "Oui.", 7)


def test_the_cotech_withdraws_a_pending_request(experts):
    world = experts
    opinion = _ask(world, world.scheme("recorded"))
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        withdraw_opinion(uow, opinion.id, world.actors["police"])
    with UnitOfWork(world.db) as uow:
        done = withdraw_opinion(uow, opinion.id, world.actors["cotech2"], "Plus utile.")
    assert (done.state, done.withdrawal_comment) == ("withdrawn", "Plus utile.")
    assert [e.action for e in _events(world, "opinion")] == ["opinion_request", "withdraw"]
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        answer_opinion(uow, opinion.id, world.actors["police"], "favourable", "Trop tard.")


def test_pending_and_overdue_requests_are_in_the_experts_work(experts, test_clock):
    world = experts
    scheme = world.scheme("recorded")
    soon = _ask(world, scheme, due_on=_today(world) + timedelta(days=2))
    later = _ask(world, scheme, due_on=_today(world) + timedelta(days=20))
    done = _ask(world, scheme, due_on=_today(world) + timedelta(days=3))
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, done.id, world.actors["police"], "favourable", "Oui.")
    test_clock.advance(days=5)
    with UnitOfWork(world.db) as uow:
        work = opinion_work(uow.session, world.actors["police2"], uow.clock())
        assert [(w.id, w.overdue) for w in work] == [(soon.id, True), (later.id, False)]
        assert work[0].reference.startswith("DSP-") and work[0].title == "Médiation"
        assert opinion_work(uow.session, world.actors["cotech"], uow.clock()) == []
        assert opinion_work(uow.session, world.actors["owner"], uow.clock()) == []
        late = find_opinions(uow, world.actors["cotech"], OpinionFilter(overdue=True))
        assert [o.id for o in late] == [soon.id]


def test_committee_notes_are_audited_apart_and_never_read_by_owners(experts):
    world = experts
    scheme = world.scheme("recorded")
    secret = "Le porteur semble fragile financièrement."
    for key in ("cotech", "copil", "secretary", "coordinator"):
        with UnitOfWork(world.db) as uow:
            add_note(uow, scheme, world.actors[key], f"{secret} ({key})")
    with UnitOfWork(world.db) as uow:
        assert len(notes_of(uow, scheme, world.actors["admin"])) == 4
    for key in ("owner", "police", "admin"):
        with UnitOfWork(world.db) as uow, pytest.raises((NotPermitted, NotFound)):
            add_note(uow, scheme, world.actors[key], "Essai")
    for key in ("owner", "owner2", "police"):
        with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
            notes_of(uow, scheme, world.actors[key])
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput):
        add_note(uow, scheme, world.actors["cotech"], "   ")
    assert _count(world, CommitteeNote) == 4
    events = _events(world, "committee_note")
    assert [e.action for e in events] == ["note"] * 4
    assert events[0].data == {"record_type": "scheme", "record_id": scheme.id}
    # The record's own history (shown to its owners) holds neither notes nor opinions.
    _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        _, own = find_events(
            uow,
            world.actors["cotech"],
            EventFilter(record_type="scheme", record_id=scheme.id),
            0,
            500,
        )
    assert all(secret not in (e.comment or "") for e in own)
    assert {e.action for e in own} <= {"create", "edit", "submit"}


def _case_file(world: World, record, who: str) -> str:
    with UnitOfWork(world.db) as uow:
        return unescape(render_case_file(uow, world.actors[who], record))


@pytest.mark.parametrize("kind", ["scheme", "pooling"])
def test_the_case_file_shows_opinions_and_notes_to_the_committee_only(experts, kind):
    world = experts
    record = world.scheme("recorded") if kind == "scheme" else world.pooling("recorded")
    opinion = _ask(world, record)
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, opinion.id, world.actors["police"], "reserved", "Cibler les soirées.")
    with UnitOfWork(world.db) as uow:
        add_note(uow, record, world.actors["copil"], "Note privée du comité.")
    committee = _case_file(world, record, "cotech")
    assert "Avis des services" in committee and "Police nationale · avis rendu" in committee
    assert "Avis réservé" in committee and "Cibler les soirées." in committee
    assert "Notes du comité (non visibles des porteurs)" in committee
    assert "Note privée du comité." in committee
    for key in ("owner", "owner2"):
        page = _case_file(world, record, key)
        for secret in (
            "Avis des services",
            "Cibler les soirées.",
            "délinquance des mineurs",
            "Notes du comité",
        ):
            assert secret not in page, (key, secret)
        assert "Note privée du comité." not in page
    expert = _case_file(world, record, "police") if kind == "scheme" else ""
    if expert:
        assert "Cibler les soirées." in expert and "Note privée du comité." not in expert


def test_the_copil_agenda_shows_the_opinions_of_each_record_on_it(experts):
    world = experts
    scheme = world.scheme("proposed", title="Médiateurs de nuit")
    given = _ask(world, scheme)
    with UnitOfWork(world.db) as uow:
        answer_opinion(uow, given.id, world.actors["police"], "favourable", "Utile la nuit.")
    dropped = _ask(world, scheme, question="Question retirée ensuite")
    with UnitOfWork(world.db) as uow:
        withdraw_opinion(uow, dropped.id, world.actors["cotech"])
    sitting = sit(world, [(scheme, "approve", {"votes": (3, 0, 0)})], close=False)
    with UnitOfWork(world.db) as uow:
        html = unescape(convocation_document(uow, world.actors["copil"], sitting.meeting_id).html)
    assert "Avis des services" in html and "Police nationale · avis rendu" in html
    assert "Avis favorable" in html and "Utile la nuit." in html
    assert "Question retirée ensuite" not in html


def test_the_service_asked_is_told_by_mail_and_only_it(experts, test_clock):
    world = experts
    scheme = world.scheme("recorded")
    dispatch(world.db, test_clock)  # the scheme's own notifications
    with UnitOfWork(world.db) as uow:
        before = uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    opinion = _ask(world, scheme)
    assert dispatch(world.db, test_clock) == 2
    with UnitOfWork(world.db) as uow:
        rows = list(
            uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).offset(before))
        )
    assert {r.recipient_email for r in rows} == {"police@example.mq", "police2@example.mq"}
    assert {(r.template, r.record_type, r.record_id) for r in rows} == {
        ("opinion_requested", "opinion", opinion.id)
    }
    context = rows[0].context
    assert context["path"] == f"/avis/{opinion.id}" and context["reference"].startswith("DSP-")
    mail = render("opinion_requested", "fr", {**context, "base_url": "https://m.example"})
    assert "Avis demandé sur DSP-" in mail.subject
    assert f"https://m.example/avis/{opinion.id}" in mail.text
    assert "délinquance" not in mail.text  # the question stays on the page, behind sign-in
    assert (
        "Opinion requested"
        in render("opinion_requested", "en", {**context, "base_url": ""}).subject
    )

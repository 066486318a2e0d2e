"""Committee meetings on a real database: convened, attended, deciding as a body, closed as one
transaction — numbered decisions, recusals, quorum, the dry run."""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotPermitted
from engine.models import AuditEvent, Meeting, MeetingItem, Scheme
from engine.rules.policy import SYSTEM
from engine.services.common import RecordRef
from engine.services.meetings import (
    MeetingNotReady,
    add_item,
    close_meeting,
    closing,
    count_quorum,
    declare_conflict,
    plan_meeting,
    proposed_records,
    record_decision,
    set_attendance,
)
from engine.services.records import create_pooling
from engine.services.transitions import apply_transition
from engine.services.users import add_organisation
from tests.factories import in_session as session_marker

STARTS = datetime(2027, 1, 14, 13, 0, tzinfo=UTC)  # 9:00 in Martinique


@pytest.fixture
def committee(world):
    """A secretary, and four COPIL members, one of them from the schemes' organisation."""
    world.actors["secretary"] = world.add_user("secretary", ["secretary"], None)
    world.actors["copil3"] = world.add_user("copil3", ["copil"], None)
    world.actors["prefecture"] = world.add_user("prefecture", ["copil"], world.organisation_id)
    return [world.actors[k].id for k in ("copil", "copil2", "copil3", "prefecture")]


def plan(world, members, **options):
    with UnitOfWork(world.db) as uow:
        meeting = plan_meeting(
            uow,
            world.actors[options.pop("who", "secretary")],
            committee=options.pop("committee", "copil"),
            title=options.pop("title", "COPIL de janvier"),
            starts_at=options.pop("starts_at", STARTS),
            secretary_id=world.actors["secretary"].id,
            member_ids=members,
            place="Hôtel de la CTM, Fort-de-France",
            **options,
        )
        return meeting.id


def put(world, meeting_id, ref, who="secretary"):
    with UnitOfWork(world.db) as uow:
        return add_item(
            uow, world.actors[who], meeting_id, ref, summary="Avis favorable du COTECH"
        ).id


def convene(world, meeting_id):
    with UnitOfWork(world.db) as uow:
        apply_transition(
            uow, RecordRef("meeting", meeting_id), "convene", world.actors["secretary"]
        )


def attend(world, meeting_id, user_id, attendance="present", proxy=None):
    with UnitOfWork(world.db) as uow:
        set_attendance(uow, world.actors["secretary"], meeting_id, user_id, attendance, proxy)


def decide(world, item_id, outcome="approve", who="secretary", **options):
    with UnitOfWork(world.db) as uow:
        return record_decision(uow, world.actors[who], item_id, outcome, **options).decision_number


def close(world, meeting_id, **options):
    with UnitOfWork(world.db) as uow:
        return close_meeting(uow, world.actors["secretary"], meeting_id, **options)


def state_of(world, ref):
    with UnitOfWork(world.db) as uow:
        model = Scheme if ref.kind == "scheme" else Meeting
        return uow.session.get(model, ref.id).state


def in_session(world, committee, schemes=2):
    """A convened meeting with `schemes` proposed schemes on its agenda, every member present."""
    refs = [world.scheme("proposed", title=f"Dispositif {i}") for i in range(schemes)]
    meeting_id = plan(world, committee)
    items = [put(world, meeting_id, ref) for ref in refs]
    convene(world, meeting_id)
    for user_id in committee:
        attend(world, meeting_id, user_id)
    return meeting_id, refs, items


def events(world, action):
    with UnitOfWork(world.db) as uow:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.position)
        return list(uow.session.scalars(query))


# Planning


def test_meetings_are_numbered_per_committee_and_year_and_audited(world, committee):
    first, second = plan(world, committee), plan(world, committee)
    cotech = plan(world, [world.actors["cotech"].id], committee="cotech")
    with UnitOfWork(world.db) as uow:
        numbers = [uow.session.get(Meeting, i).reference for i in (first, second, cotech)]
    assert numbers == ["COPIL-2027-01", "COPIL-2027-02", "COTECH-2027-01"]
    created = events(world, "create")[-3:]
    assert [e.record_reference for e in created] == numbers
    assert all(e.record_type == "meeting" and e.to_state == "planned" for e in created)


def test_only_a_secretary_or_an_administrator_plans_a_meeting(world, committee):
    with pytest.raises(NotPermitted):
        plan(world, committee, who="copil")
    assert plan(world, committee, who="admin")


def test_planning_says_in_french_what_is_wrong(world, committee):
    with pytest.raises(InvalidInput) as refused:
        plan(world, [*committee, world.actors["owner"].id], title=" ", quorum_rule="au doigt")
    errors = refused.value.errors
    assert errors["title"] == ["Un intitulé de 1 à 180 caractères est exigé."]
    assert errors["member_ids"] == ["Ne sont pas membres actifs du COPIL : owner@example.mq."]
    assert errors["quorum_rule"] == ["Règle de quorum inconnue."]


# Quorum and attendance


@dataclass
class M:
    user_id: int
    attendance: str | None = None
    proxy_holder_id: int | None = None


@pytest.mark.parametrize(
    ("rule", "attendance", "recused", "expected"),
    [
        # half plus one of 4 is 3
        ("half_plus_one", ["present", "present", "present", "absent"], set(), (4, 3, 3, True)),
        ("half_plus_one", ["present", "present", "excused", "absent"], set(), (4, 2, 3, False)),
        # a proxy counts when its holder is there
        (
            "half_plus_one",
            ["present", "present", ("represented", 1), "absent"],
            set(),
            (4, 3, 3, True),
        ),
        (
            "half_plus_one",
            ["present", "absent", ("represented", 2), "absent"],
            set(),
            (4, 1, 3, False),
        ),
        # a recused member takes no part: 3 members, 2 needed
        ("half_plus_one", ["present", "present", "absent", "present"], {4}, (3, 2, 2, True)),
        ("half_plus_one", ["present", "absent", "absent", "present"], {4}, (3, 1, 2, False)),
        ("one_third", ["present", "absent", "absent", "absent"], set(), (4, 1, 2, False)),
        ("one_third", ["present", "present", "absent", "absent"], set(), (4, 2, 2, True)),
        ("two_thirds", ["present", "present", "absent", "absent"], set(), (4, 2, 3, False)),
        ("half", ["present", "present", "absent", "absent"], set(), (4, 2, 2, True)),
        ("half_plus_one", ["absent", "absent", "absent", "absent"], {1, 2, 3, 4}, (0, 0, 1, False)),
    ],
)
def test_the_quorum_rules(rule, attendance, recused, expected):
    members = []
    for number, value in enumerate(attendance, start=1):
        kind, holder = value if isinstance(value, tuple) else (value, None)
        members.append(M(number, kind, holder))
    quorum = count_quorum(rule, members, frozenset(recused))
    assert (quorum.members, quorum.counted, quorum.required, quorum.met) == expected


def test_a_proxy_goes_to_a_present_member_and_one_each(world, committee):
    copil, copil2, copil3, _prefecture = committee
    meeting_id = plan(world, committee)
    convene(world, meeting_id)
    with pytest.raises(InvalidInput) as refused:
        attend(world, meeting_id, copil2, "represented", copil)
    assert refused.value.errors["proxy_holder_id"] == ["Le pouvoir va à un membre présent."]
    attend(world, meeting_id, copil)
    attend(world, meeting_id, copil2, "represented", copil)
    with pytest.raises(InvalidInput) as twice:
        attend(world, meeting_id, copil3, "represented", copil)
    assert "un seul chacun" in twice.value.errors["proxy_holder_id"][0]
    with pytest.raises(InvalidInput):
        attend(world, meeting_id, world.actors["owner"].id)  # not convened


def test_no_decision_without_quorum_with_the_reason_in_french(world, committee):
    ref = world.scheme("proposed")
    meeting_id = plan(world, committee)
    item = put(world, meeting_id, ref)
    convene(world, meeting_id)
    attend(world, meeting_id, committee[0])
    with pytest.raises(NotPermitted) as refused:
        decide(world, item)
    [reason] = refused.value.reasons
    assert reason.code == "no_quorum"
    assert reason.message == (
        "Décision impossible, quorum non atteint : 1 membre présent ou représenté sur 3, "
        "il en faut 2 (la moitié des membres plus un)."
    )


# Recusals


def test_a_member_of_the_schemes_organisation_is_recused_and_does_not_count(world, committee):
    ref = world.scheme("proposed")
    meeting_id = plan(world, committee)
    item_id = put(world, meeting_id, ref)
    with UnitOfWork(world.db) as uow:
        item = uow.session.get(MeetingItem, item_id)
        assert [(r.user_id, r.automatic) for r in item.recusals] == [(committee[3], True)]
        assert "Ville de Fort-de-France" in item.recusals[0].reason


# Who is recused automatically from an item: a member of the organisation a decision concerns —
# a scheme's; a pooling's lead and its member schemes' organisations — and no one else.
RECUSALS = [
    ("scheme", "schemes", True),
    ("scheme", "lead", False),
    ("scheme", "unrelated", False),
    ("scheme", None, False),
    ("pooling", "schemes", True),
    ("pooling", "lead", True),
    ("pooling", "unrelated", False),
    ("pooling", None, False),
]


@pytest.mark.parametrize(("kind", "member_of", "recused"), RECUSALS)
def test_the_automatic_recusal_rules(world, committee, kind, member_of, recused):
    with UnitOfWork(world.db) as uow:
        unrelated = add_organisation(uow, SYSTEM, "Commune du Diamant", "commune").id
    organisations = {
        "schemes": world.organisation_id,  # every scheme of the world is of this organisation
        "lead": world.other_organisation_id,
        "unrelated": unrelated,
        None: None,
    }
    member = world.add_user("membre", ["copil"], organisations[member_of])
    ref = world.scheme("proposed") if kind == "scheme" else proposed_pooling(world)
    meeting_id = plan(world, [committee[0], member.id])
    item_id = put(world, meeting_id, ref)
    with UnitOfWork(world.db) as uow:
        recusals = uow.session.get(MeetingItem, item_id).recusals
        assert [(r.user_id, r.automatic) for r in recusals] == (
            [(member.id, True)] if recused else []
        )


def test_the_member_who_proposed_the_record_for_the_cotech_is_recused(world, committee):
    world.actors["both"] = world.add_user("both", ["cotech", "copil"], None)
    ref = world.scheme("reviewed")
    world.fire(ref, "propose", "both")
    meeting_id = plan(world, [committee[0], world.actors["both"].id])
    item_id = put(world, meeting_id, ref)
    with UnitOfWork(world.db) as uow:
        [recusal] = uow.session.get(MeetingItem, item_id).recusals
        assert (recusal.user_id, recusal.automatic) == (world.actors["both"].id, True)
        assert recusal.reason == "a proposé ce dossier au COPIL au nom du COTECH"


def proposed_pooling(world) -> RecordRef:
    """A pooling led by the other organisation, of two schemes of the world's organisation."""
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    with UnitOfWork(world.db) as uow:
        pooling = create_pooling(
            uow,
            world.actors["cotech"],
            {
                "title": "Mutualiser la médiation",
                "rationale": "Deux dispositifs se recouvrent.",
                "kind": "fusion",
                "lead_organisation_id": world.other_organisation_id,
                "scheme_ids": [m.id for m in members],
            },
        )
        ref = RecordRef("pooling", pooling.id)
    world.fire(ref, "review", "cotech2")
    world.fire(ref, "propose", "cotech2")
    return ref


def test_a_recused_secretary_cannot_record_the_decision(world, committee):
    _meeting_id, _refs, items = in_session(world, committee, schemes=1)
    secretary = world.actors["secretary"].id
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput):
        declare_conflict(uow, world.actors["secretary"], items[0], secretary, "conjoint porteur")
    world_admin_declares = world.actors["admin"]
    with UnitOfWork(world.db) as uow:
        declare_conflict(uow, world_admin_declares, items[0], committee[0], "ancien directeur")
    with UnitOfWork(world.db) as uow:
        recusals = uow.session.get(MeetingItem, items[0]).recusals
        assert {(r.user_id, r.automatic) for r in recusals} == {
            (committee[3], True),
            (committee[0], False),
        }


# Decisions and their numbers


def test_decision_numbers_are_issued_once_and_never_reused(world, committee):
    _meeting_id, _refs, items = in_session(world, committee)
    assert decide(world, items[0]) == "COPIL-2027-01/D01"
    assert decide(world, items[0], "send_back", comment="À revoir") == "COPIL-2027-01/D01"
    assert decide(world, items[1]) == "COPIL-2027-01/D02"


def test_votes_cannot_exceed_the_members_taking_part(world, committee):
    _meeting_id, _refs, items = in_session(world, committee, schemes=1)
    with pytest.raises(InvalidInput) as refused:
        decide(world, items[0], votes=(3, 1, 0))
    assert refused.value.errors["votes"] == [
        "4 voix pour 3 votants (présents ou représentés, hors déportés)."
    ]
    assert decide(world, items[0], votes=(2, 1, 0))


# Closing


def test_closing_applies_every_decision_with_its_number_in_one_transaction(world, committee):
    meeting_id, refs, items = in_session(world, committee)
    decide(world, items[0], votes=(3, 0, 0))
    decide(world, items[1], "reject", comment="Doublon du dispositif communal")
    report = close(world, meeting_id)
    assert report.closed and report.ready
    assert [state_of(world, r) for r in refs] == ["approved", "rejected"]
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(Scheme, refs[0].id).decision_reference == "COPIL-2027-01/D01"
    [approved] = events(world, "approve")
    assert approved.actor_label.startswith("COPIL en séance COPIL-2027-01")
    assert approved.data["decision"] == "COPIL-2027-01/D01"
    assert approved.data["votes"] == [3, 0, 0]
    [closed] = events(world, "close")
    assert closed.record_type == "meeting" and closed.to_state == "held"
    assert closed.data["decisions"] == ["COPIL-2027-01/D01", "COPIL-2027-01/D02"]


def test_the_dry_run_says_what_would_apply_and_why_not_and_changes_nothing(world, committee):
    meeting_id, refs, items = in_session(world, committee)
    decide(world, items[0])
    decide(world, items[1], "send_back", comment="À compléter")
    # Meanwhile an extraordinary session sends it back and the COTECH proposes it again.
    elsewhere = session_marker("COPIL-2027-02/D01")
    world.fire(refs[1], "send_back", "copil", {"comment": "Renvoi en séance"}, session=elsewhere)
    world.fire(refs[1], "propose", "cotech2")
    report = close(world, meeting_id, dry_run=True)
    assert not report.closed and not report.ready
    assert [i.applies for i in report.items] == [True, False]
    assert "a changé depuis son inscription à l'ordre du jour" in report.items[1].reasons[0]
    assert [state_of(world, r) for r in refs] == ["proposed", "proposed"]
    assert state_of(world, RecordRef("meeting", meeting_id)) == "convened"
    with pytest.raises(MeetingNotReady) as refused:
        close(world, meeting_id)
    assert "a changé depuis son inscription" in str(refused.value)
    assert state_of(world, refs[0]) == "proposed"


def test_a_failure_on_the_last_item_applies_nothing(world, committee, monkeypatch):
    meeting_id, refs, items = in_session(world, committee, schemes=3)
    for item in items:
        decide(world, item)
    real, calls = closing.apply_uncommitted, []

    def fail_on_the_third(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 3:
            raise RuntimeError("panne au troisième dossier")
        return real(*args, **kwargs)

    monkeypatch.setattr(closing, "apply_uncommitted", fail_on_the_third)
    with pytest.raises(RuntimeError):
        close(world, meeting_id)
    assert [state_of(world, r) for r in refs] == ["proposed"] * 3
    assert state_of(world, RecordRef("meeting", meeting_id)) == "convened"
    assert not events(world, "approve")


def test_closing_twice_is_a_conflict(world, committee):
    meeting_id, _refs, items = in_session(world, committee, schemes=1)
    decide(world, items[0])
    close(world, meeting_id)
    with pytest.raises(Conflict) as again:
        close(world, meeting_id)
    assert "La séance est tenue" in again.value.message


def test_the_meetings_close_is_applied_by_the_meeting_service_only(world, committee):
    meeting_id, _refs, _items = in_session(world, committee, schemes=1)
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted) as refused:
        apply_transition(uow, RecordRef("meeting", meeting_id), "close", world.actors["secretary"])
    assert refused.value.reasons[0].code == "meeting_required"


def test_two_secretaries_closing_at_once_exactly_one_succeeds(world, committee):
    meeting_id, refs, items = in_session(world, committee)
    for item in items:
        decide(world, item)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def closing():
        barrier.wait()
        try:
            close(world, meeting_id)
            outcomes.append("closed")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=closing) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["closed", "conflict"]
    assert [state_of(world, r) for r in refs] == ["approved", "approved"]
    assert len(events(world, "approve")) == 2


def test_decision_numbers_stay_unique_when_recorded_at_once(world, committee):
    _meeting_id, _refs, items = in_session(world, committee, schemes=4)
    numbers: list[str] = []
    barrier = threading.Barrier(4)

    def deciding(item_id):
        barrier.wait()
        numbers.append(decide(world, item_id))

    threads = [threading.Thread(target=deciding, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(numbers) == [f"COPIL-2027-01/D0{n}" for n in (1, 2, 3, 4)]


def test_the_agenda_offers_what_is_proposed_and_not_yet_on_an_open_agenda(world, committee):
    first, second = (
        world.scheme("proposed", title="Premier"),
        world.scheme("proposed", title="Second"),
    )
    world.scheme("reviewed", title="Pas encore")
    meeting_id = plan(world, committee)
    put(world, meeting_id, first)
    with UnitOfWork(world.db) as uow:
        assert proposed_records(uow) == [second]
    with pytest.raises(InvalidInput) as twice:
        put(world, meeting_id, first)
    assert "déjà à l'ordre du jour" in twice.value.errors["record"][0]


def test_an_item_added_after_the_convocation_is_marked_late(world, committee):
    meeting_id = plan(world, committee)
    convene(world, meeting_id)
    item_id = put(world, meeting_id, world.scheme("proposed"))
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(MeetingItem, item_id).added_late

"""A held meeting's minutes: drafted from the meeting, edited by the secretary while held,
approved with their SHA-256 in the audit chain, and any later change to the stored text detected."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotPermitted
from engine.models import AuditEvent, Meeting
from engine.records import audit
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    approve_minutes,
    check_minutes,
    close_meeting,
    declare_conflict,
    draft_minutes,
    edit_minutes,
    minutes_text,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.meetings.minutes import sha256
from engine.services.transitions import apply_transition
from tests.factories import World

STARTS = datetime(2027, 1, 14, 13, 0, tzinfo=UTC)  # a Thursday, 9:00 in Martinique


@dataclass
class Sitting:
    """A meeting taken through planning, convocation, roll call and decisions."""

    meeting_id: int
    items: list[int] = field(default_factory=list)


def committee(world: World) -> list[int]:
    """Four COPIL members, the last from the schemes' organisation; and a secretary."""
    for key, role, organisation in (
        ("secretary", "secretary", None),
        ("copil3", "copil", None),
        ("prefecture", "copil", world.organisation_id),
    ):
        if key not in world.actors:
            world.actors[key] = world.add_user(key, [role], organisation)
    return [world.actors[k].id for k in ("copil", "copil2", "copil3", "prefecture")]


def sit(
    world: World,
    decisions: list[tuple[RecordRef, str, dict]],
    *,
    starts_at: datetime = STARTS,
    title: str = "COPIL de janvier",
    information: str | None = None,
    late: tuple[RecordRef, str, dict] | None = None,
    clock=None,
    conflicts: tuple[tuple[int, str, str], ...] = (),
    close: bool = True,
) -> Sitting:
    """Decide records through a COPIL meeting: planned, convened, attended (one member
    represented, one excused), each (record, outcome, options) decided, then closed."""
    members = committee(world)
    secretary = world.actors["secretary"]

    def work():
        return UnitOfWork(world.db, clock=clock) if clock else UnitOfWork(world.db)

    with work() as uow:
        meeting = plan_meeting(
            uow,
            secretary,
            committee="copil",
            title=title,
            starts_at=starts_at,
            secretary_id=secretary.id,
            member_ids=members,
            place="Hôtel de la CTM, Fort-de-France",
        )
        sitting = Sitting(meeting.id)
    for ref, _outcome, _options in decisions:
        with work() as uow:
            item = add_item(uow, secretary, sitting.meeting_id, ref, summary="Avis favorable")
            sitting.items.append(item.id)
    if information:
        with work() as uow:
            add_item(uow, secretary, sitting.meeting_id, title=information, summary="Point d'étape")
    with work() as uow:
        apply_transition(uow, RecordRef("meeting", sitting.meeting_id), "convene", secretary)
    if late is not None:
        decisions = [*decisions, late]
        with work() as uow:
            sitting.items.append(add_item(uow, secretary, sitting.meeting_id, late[0]).id)
    copil, copil2, copil3, prefecture = members
    for user_id, attendance, proxy in (
        (copil, "present", None),
        (copil3, "present", None),
        (copil2, "represented", copil),
        (prefecture, "excused", None),
    ):
        with work() as uow:
            set_attendance(uow, secretary, sitting.meeting_id, user_id, attendance, proxy)
    for index, who, reason in conflicts:
        with work() as uow:
            item_id, user_id = sitting.items[index], world.actors[who].id
            declare_conflict(uow, secretary, item_id, user_id, reason)
    for item_id, (_ref, outcome, options) in zip(sitting.items, decisions, strict=True):
        with work() as uow:
            record_decision(uow, secretary, item_id, outcome, **options)
    if close:
        with work() as uow:
            close_meeting(uow, secretary, sitting.meeting_id)
    return sitting


def meeting_of(world: World, meeting_id: int) -> Meeting:
    with UnitOfWork(world.db) as uow:
        meeting = uow.session.get(Meeting, meeting_id)
        uow.session.expunge(meeting)
        return meeting


def version_of(world: World, meeting_id: int) -> int:
    return meeting_of(world, meeting_id).version


def edit(world: World, meeting_id: int, text: str, who: str = "secretary", version=None):
    version = version_of(world, meeting_id) if version is None else version
    with UnitOfWork(world.db) as uow:
        return edit_minutes(uow, world.actors[who], meeting_id, text, version)


def approve(world: World, meeting_id: int, who: str = "secretary", **options) -> str:
    version = options.pop("version", None) or version_of(world, meeting_id)
    with UnitOfWork(world.db) as uow:
        return approve_minutes(
            uow, world.actors[who], meeting_id, expected_version=version, **options
        )


def draft(world: World, meeting_id: int) -> str:
    with UnitOfWork(world.db) as uow:
        return draft_minutes(uow.session.get(Meeting, meeting_id))


@pytest.fixture
def held(world) -> Sitting:
    """A held meeting: an approval with votes and conditions, a rejection, a late item, an
    information item, a declared conflict."""
    approved = world.scheme("proposed", title="Médiateurs de nuit")
    rejected = world.scheme("proposed", title="Atelier doublon")
    late = world.scheme("proposed", title="Ajout tardif")
    decisions = [
        (approved, "approve", {"votes": (2, 0, 0), "conditions": "Bilan à six mois"}),
        (rejected, "reject", {"comment": "Doublon du dispositif communal"}),
    ]
    sitting = sit(
        world,
        decisions,
        information="Bilan du trimestre",
        late=(late, "send_back", {"comment": "Chiffrer les besoins"}),
        conflicts=((0, "copil3", "élu au conseil d'administration du porteur"),),
    )
    return sitting


def test_the_draft_says_who_sat_the_quorum_and_each_item_in_order(world, held):
    text = draft(world, held.meeting_id)
    for expected in (
        "PROCÈS-VERBAL DE LA SÉANCE COPIL-2027-01",
        "Comité de pilotage (COPIL) — COPIL de janvier",
        "Séance du jeudi 14 janvier 2027 à 09:00 (heure de Martinique).",
        "Lieu : Hôtel de la CTM, Fort-de-France.",
        "Secrétaire de séance : Secretary.",
        "Présents (2) : Copil, Copil3.",
        "Représentés (1) : Copil2 (pouvoir donné à Copil).",
        "Excusés (1) : Prefecture.",
        "Absents (0) : aucun.",
        "Quorum atteint : 3 membres présents ou représentés sur 4, il en faut 3 "
        "(la moitié des membres plus un).",
        "Décision COPIL-2027-01/D01 : approbation.",
        "Votes : 2 pour, 0 contre, 0 abstention.",
        "Conditions : Bilan à six mois",
        "Décision COPIL-2027-01/D02 : rejet (non retenu).",
        "Commentaire : Doublon du dispositif communal",
        "Déporté(e) : Copil3 — élu au conseil d'administration du porteur",
        "Pour ce point, quorum atteint : 2 membres présents ou représentés sur 2",
        "3. Bilan du trimestre (pour information)",
        "Objet : Point d'étape",
        "— inscrit après la convocation",
        "Décision COPIL-2027-01/D03 : renvoi au COTECH.",
        "Le secrétaire de séance, Secretary.",
    ):
        assert expected in text, expected
    assert "Déporté(e) : Prefecture — membre de « Ville de Fort-de-France »" in text
    positions = [text.index(f"\n{n}. ") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    assert "Médiateurs de nuit" in text.split("\n2. ")[0]
    assert "Ajout tardif" in text.split("\n4. ")[1]


def test_the_secretary_edits_the_held_minutes_audited_with_the_texts_hash(world, held):
    text = draft(world, held.meeting_id).replace("Bilan du trimestre", "Bilan du trimestre (lu)")
    before = version_of(world, held.meeting_id)
    edit(world, held.meeting_id, text.replace("\n", "\r\n"))
    meeting = meeting_of(world, held.meeting_id)
    assert meeting.minutes == text and meeting.version == before + 1
    assert meeting.minutes_sha256 is None
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "edit_minutes")
        ).one()
    assert event.record_reference == "COPIL-2027-01"
    assert event.data["minutes_sha256"] == sha256(text)
    assert event.actor_id == world.actors["secretary"].id


def test_editing_needs_the_current_version_a_text_and_a_secretary(world, held):
    with pytest.raises(Conflict) as stale:
        edit(world, held.meeting_id, "Texte", version=version_of(world, held.meeting_id) - 1)
    assert stale.value.message == "La séance a changé entre-temps."
    with pytest.raises(InvalidInput) as empty:
        edit(world, held.meeting_id, "  \n ")
    assert empty.value.errors["text"] == ["Le texte du procès-verbal ne peut pas être vide."]
    with pytest.raises(NotPermitted):
        edit(world, held.meeting_id, "Texte", who="copil")


def test_no_minutes_are_edited_before_the_meeting_is_held(world):
    sitting = sit(world, [(world.scheme("proposed"), "approve", {})], close=False)
    with pytest.raises(Conflict) as refused:
        edit(world, sitting.meeting_id, "Trop tôt")
    assert refused.value.message == "La séance est convoquée : action impossible."
    with pytest.raises(Conflict):
        approve(world, sitting.meeting_id)


def test_approval_seals_the_text_with_its_sha256_in_the_audit_chain(world, held):
    text = draft(world, held.meeting_id)
    digest = approve(world, held.meeting_id)
    meeting = meeting_of(world, held.meeting_id)
    assert meeting.state == "minutes_approved"
    assert meeting.minutes == text and meeting.minutes_sha256 == digest == sha256(text)
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "approve_minutes")
        ).one()
        verification = audit.verify(uow.connection)
        check = check_minutes(uow, held.meeting_id)
    assert (event.from_state, event.to_state) == ("held", "minutes_approved")
    assert event.data["minutes_sha256"] == digest
    assert event.data["meeting"] == "COPIL-2027-01"
    assert verification.ok, verification.message
    assert check.ok and check.sha256 == digest


def test_the_minutes_are_approved_at_a_later_meeting_of_the_committee(world, held):
    edit(world, held.meeting_id, "Procès-verbal relu.\n")
    next_one = sit(
        world, [], starts_at=datetime(2027, 2, 11, 13, 0, tzinfo=UTC), title="COPIL de février"
    )
    cotech = _cotech_meeting(world)
    with pytest.raises(InvalidInput) as elsewhere:
        approve(world, held.meeting_id, at_meeting_id=cotech)
    assert "même comité" in elsewhere.value.errors["at_meeting_id"][0]
    approve(world, held.meeting_id, at_meeting_id=next_one.meeting_id)
    with UnitOfWork(world.db) as uow:
        check = check_minutes(uow, held.meeting_id)
        text = minutes_text(uow.session.get(Meeting, held.meeting_id))
    assert check.ok and check.approved_at == "COPIL-2027-02"
    assert text == "Procès-verbal relu.\n"


def _cotech_meeting(world: World) -> int:
    secretary = world.actors["secretary"]
    with UnitOfWork(world.db) as uow:
        return plan_meeting(
            uow,
            secretary,
            committee="cotech",
            title="COTECH",
            starts_at=datetime(2027, 3, 1, 13, 0, tzinfo=UTC),
            secretary_id=secretary.id,
            member_ids=[world.actors["cotech"].id],
        ).id


def test_approved_minutes_are_no_longer_edited_nor_approved_again(world, held):
    approve(world, held.meeting_id)
    with pytest.raises(Conflict) as refused:
        edit(world, held.meeting_id, "Réécrire l'histoire")
    assert refused.value.message == "La séance est procès-verbal approuvé : action impossible."
    with pytest.raises(Conflict):
        approve(world, held.meeting_id)


def test_the_generic_transition_path_refuses_to_approve_minutes(world, held):
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted) as refused:
        apply_transition(
            uow, RecordRef("meeting", held.meeting_id), "approve_minutes", world.actors["admin"]
        )
    assert refused.value.reasons[0].code == "meeting_required"


def test_tampering_with_the_stored_minutes_is_detected(world, held):
    digest = approve(world, held.meeting_id)
    table = Meeting.__table__
    with UnitOfWork(world.db) as uow:
        conn = uow.begin_write()
        conn.execute(
            update(table).where(table.c.id == held.meeting_id).values(minutes="Autre texte\n")
        )
        uow.commit()
    with UnitOfWork(world.db) as uow:
        check = check_minutes(uow, held.meeting_id)
    assert not check.ok and "modifié depuis son approbation" in check.message
    # Rewriting the stored hash as well does not help: the chain keeps the approved one.
    with UnitOfWork(world.db) as uow:
        conn = uow.begin_write()
        conn.execute(
            update(table)
            .where(table.c.id == held.meeting_id)
            .values(minutes_sha256=sha256("Autre texte\n"))
        )
        uow.commit()
    with UnitOfWork(world.db) as uow:
        check = check_minutes(uow, held.meeting_id)
    assert not check.ok and check.sha256 == digest

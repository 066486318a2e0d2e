"""Closing a meeting: every decision applied through the records' own transitions in one
transaction, or none; a dry run says, item by item, what would apply and why not."""

from dataclasses import dataclass, field
from typing import Any

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import MaillageError
from engine.models import (
    COMMITTEES,
    Meeting,
    MeetingItem,
)
from engine.records.registry import RECORD_TYPES, RecordFacts
from engine.rules.policy import Actor
from engine.services.common import RecordRef, load_facts
from engine.services.meetings.access import open_meeting
from engine.services.meetings.quorum import Quorum, quorum_of
from engine.services.transitions import InSession, apply_uncommitted, transition_reasons


@dataclass
class ItemCheck:
    """What closing would do with one agenda item, and why not."""

    item_id: int
    position: int
    title: str
    decision_number: str | None
    outcome: str | None
    applies: bool
    reasons: list[str] = field(default_factory=list)
    # Read (locked, for a real close) while checking: applying does not read it again.
    facts: RecordFacts | None = field(default=None, repr=False, compare=False)


@dataclass
class CloseReport:
    meeting: str
    quorum: Quorum
    items: list[ItemCheck]
    closed: bool = False

    @property
    def ready(self) -> bool:
        return self.quorum.met and all(i.applies or i.outcome is None for i in self.items)


class MeetingNotReady(MaillageError):
    """The meeting cannot close: the report says, item by item, why."""

    def __init__(self, report: CloseReport) -> None:
        self.report = report
        reasons = [r for item in report.items for r in item.reasons]
        if not report.quorum.met:
            reasons.insert(0, report.quorum.sentence)
        super().__init__("La séance ne peut pas être clôturée : " + " ; ".join(reasons))


def close_meeting(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    dry_run: bool = False,
    expected_version: int | None = None,
) -> CloseReport:
    """Apply every decision of the meeting and close it, in one transaction; or, with `dry_run`,
    say item by item what would apply and why not, changing nothing."""
    meeting = open_meeting(
        uow, actor, meeting_id, states=("convened",), expected_version=expected_version
    )
    body = _committee_actor(meeting, actor)
    report = CloseReport(
        meeting.reference,
        quorum_of(meeting),
        [_check_item(uow, meeting, i, body, lock=not dry_run) for i in meeting.items],
    )
    if dry_run:
        uow.rollback()
        return report
    if not report.ready:
        raise MeetingNotReady(report)
    applied = []
    for item, check in zip(meeting.items, report.items, strict=True):
        if check.outcome is None or item.record_id is None:
            continue
        session = InSession(meeting.reference, item.decision_number, _decision_data(item))
        apply_uncommitted(
            uow,
            RecordRef(item.record_type, item.record_id),
            item.outcome,
            body,
            _transition_inputs(item),
            expected_version=item.record_version,
            session=session,
            facts=check.facts,
        )
        applied.append(item.decision_number)
    summary = {"decisions": applied, "quorum": report.quorum.sentence}
    apply_uncommitted(
        uow,
        RecordRef("meeting", meeting.id),
        "close",
        actor,
        session=InSession(meeting.reference, None, summary),
    )
    uow.commit()
    report.closed = True
    return report


def _check_item(
    uow: UnitOfWork, meeting: Meeting, item: MeetingItem, body: Actor, lock: bool
) -> ItemCheck:
    check = ItemCheck(item.id, item.position, item.title, item.decision_number, item.outcome, False)
    if item.record_id is None:
        check.reasons.append("point d'information : rien à appliquer")
        return check
    if item.outcome is None:
        check.reasons.append("aucune décision enregistrée : le dossier reste proposé")
        return check
    rtype = RECORD_TYPES[item.record_type]
    facts = load_facts(uow.connection, rtype, item.record_id, lock=lock)
    check.facts = facts
    if facts.version != item.record_version:
        check.reasons.append(
            f"{facts.reference} a changé depuis son inscription à l'ordre du jour "
            f"(version {facts.version}, inscrite {item.record_version}) : à réinscrire"
        )
        return check
    quorum = quorum_of(meeting, item)
    if not quorum.met:
        check.reasons.append(f"{facts.reference} : {quorum.sentence}")
        return check
    reasons = transition_reasons(facts, item.outcome, body, uow.workflows, in_session=True)
    if reasons is None or reasons:
        why = "; ".join(r.message for r in reasons) if reasons else "action impossible à cet état"
        check.reasons.append(f"{facts.reference} : {why}")
        return check
    missing = _missing_inputs(item)
    if missing:
        check.reasons.append(f"{facts.reference} : {missing}")
        return check
    check.applies = True
    return check


def _missing_inputs(item: MeetingItem) -> str | None:
    if item.outcome in ("send_back", "reject") and not item.comment:
        return "un commentaire motivant la décision est exigé"
    return None


def _transition_inputs(item: MeetingItem) -> dict[str, Any]:
    if item.outcome == "approve":
        inputs: dict[str, Any] = {"decision_reference": item.decision_number}
        if item.record_type == "pooling":
            inputs["decision_date"] = local(item.decided_at).date()
            if item.conditions:
                inputs["conditions"] = item.conditions
        return inputs
    inputs = {"comment": item.comment}
    if item.outcome == "reject" and item.record_type == "pooling":
        inputs["decision_reference"] = item.decision_number
    return inputs


def _decision_data(item: MeetingItem) -> dict[str, Any]:
    votes = (item.votes_for, item.votes_against, item.votes_abstention)
    return {
        "votes": list(votes) if item.votes_for is not None else None,
        "conditions": item.conditions,
        "recused": sorted(r.user_id for r in item.recusals),
    }


def _committee_actor(meeting: Meeting, actor: Actor) -> Actor:
    """The committee deciding as a body: its role, recorded by the secretary who closes."""
    label = f"{COMMITTEES[meeting.committee]} en séance {meeting.reference} ({actor.label})"
    return Actor(actor.id, label, frozenset({meeting.committee}), None, actor.active)

"""The meetings as the API shows them: read from the models, the rules left to the engine.

Visibility and the transitions a caller may apply come from `available_transitions`, the quorum
from `quorum_of`, the close's report from `close_meeting`: these functions only shape them.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.models import Meeting, MeetingItem, MeetingMember, User
from engine.records.registry import MEETING
from engine.records.representation import iso_instant
from engine.rules.policy import Actor
from engine.services.common import load_facts
from engine.services.meetings import CloseReport, Quorum, quorum_of
from engine.services.meetings.access import WHOLE
from engine.services.transitions import available_transitions
from web.api.records import check_id, option_body
from web.context import workflows


def meeting_body(session: Session, meeting_id: int, actor: Actor) -> dict[str, Any]:
    """Return the meeting with its members, agenda, quorum and the caller's transitions."""
    session.expire_all()  # a write of this request may have changed it: read it afresh
    facts = load_facts(session.connection(), MEETING, check_id(meeting_id), lock=False)
    # In session: `close` is offered as the secretary may do it (through POST …/close).
    options = available_transitions(facts, actor, workflows(), in_session=True)
    meeting = session.get(Meeting, meeting_id, options=WHOLE)
    if meeting is None:
        raise NotFound()
    names = _names(session, meeting)
    return {
        **_head(meeting, names),
        "workflow": {"name": meeting.workflow_name, "version": meeting.workflow_version},
        "quorum_rule": meeting.quorum_rule,
        "members": [member_body(m, names) for m in meeting.members],
        "items": [item_body(meeting, i, names) for i in meeting.items],
        "quorum": quorum_body(quorum_of(meeting)),
        "transitions": [option_body(o) for o in options],
        "created_at": iso_instant(meeting.created_at),
        "updated_at": iso_instant(meeting.updated_at),
    }


def page_body(session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Return one page of the calendar, the latest meeting first, and the total."""
    stmt = select(Meeting)
    if "committee" in args:
        stmt = stmt.where(Meeting.committee == args["committee"])
    states = _states(args.get("state", ()))
    if states:
        stmt = stmt.where(Meeting.state.in_(states))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    page, per_page = args["page"], args["per_page"]
    meetings = session.scalars(
        stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [m.id for m in meetings]
    members = _counts(session, MeetingMember, ids)
    items = _counts(session, MeetingItem, ids)
    names = {u.id: u.name for u in _users(session, {m.secretary_id for m in meetings})}
    rows = [
        {**_head(m, names), "members": members.get(m.id, 0), "items": items.get(m.id, 0)}
        for m in meetings
    ]
    return {"items": rows, "total": total or 0, "page": page, "per_page": per_page}


def _states(values) -> list[str]:
    states = [p.strip() for v in values for p in v.split(",") if p.strip()]
    known = workflows().current("meeting").states
    unknown = [s for s in states if s not in known]
    if unknown:
        raise InvalidInput({"state": [f"État inconnu : {', '.join(unknown)}."]})
    return states


def _counts(session: Session, model, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(model.meeting_id, func.count())
        .where(model.meeting_id.in_(ids))
        .group_by(model.meeting_id)
    )
    return dict(rows.tuples().all())


def _head(meeting: Meeting, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "reference": meeting.reference,
        "committee": meeting.committee,
        "title": meeting.title,
        "starts_at": iso_instant(meeting.starts_at),
        "place": meeting.place,
        "state": meeting.state,
        "version": meeting.version,
        "secretary": {"id": meeting.secretary_id, "name": names.get(meeting.secretary_id, "")},
    }


def _names(session: Session, meeting: Meeting) -> dict[int, str]:
    """The names of everyone the meeting mentions, read in one statement."""
    ids = {meeting.secretary_id, *(m.user_id for m in meeting.members)}
    ids.update(r.user_id for i in meeting.items for r in i.recusals)
    return {u.id: u.name for u in _users(session, ids)}


def _users(session: Session, ids: set[int]) -> list[User]:
    return list(session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def member_body(member: MeetingMember, names: dict[int, str]) -> dict[str, Any]:
    return {
        "user_id": member.user_id,
        "name": names.get(member.user_id, ""),
        "attendance": member.attendance,
        "proxy_holder_id": member.proxy_holder_id,
    }


def attendance_body(session: Session, meeting_id: int, user_id: int) -> dict[str, Any]:
    """Return one member's attendance as recorded, with the meeting's quorum now."""
    session.expire_all()
    meeting = session.get(Meeting, meeting_id, options=WHOLE)
    member = next(m for m in meeting.members if m.user_id == user_id)
    names = {u.id: u.name for u in _users(session, {user_id})}
    return {**member_body(member, names), "quorum": quorum_body(quorum_of(meeting))}


def item_of(session: Session, meeting_id: int, item_id: int) -> MeetingItem:
    """The agenda item `item_id` of meeting `meeting_id`; NotFound for another meeting's."""
    item = session.get(MeetingItem, check_id(item_id))
    if item is None or item.meeting_id != check_id(meeting_id):
        raise NotFound()
    return item


def agenda_item_body(session: Session, meeting_id: int, item_id: int) -> dict[str, Any]:
    """Return one item of the meeting's agenda as just changed."""
    session.expire_all()
    meeting = session.get(Meeting, meeting_id, options=WHOLE)
    item = next(i for i in meeting.items if i.id == item_id)
    return item_body(meeting, item, _names(session, meeting))


def item_body(meeting: Meeting, item: MeetingItem, names: dict[int, str]) -> dict[str, Any]:
    record = None
    if item.record_id is not None:
        record = {"type": item.record_type, "id": item.record_id, "version": item.record_version}
    return {
        "id": item.id,
        "position": item.position,
        "kind": item.kind,
        "title": item.title,
        "record": record,
        "summary": item.summary,
        "added_late": item.added_late,
        "recusals": [
            {
                "user_id": r.user_id,
                "name": names.get(r.user_id, ""),
                "reason": r.reason,
                "automatic": r.automatic,
            }
            for r in item.recusals
        ],
        "decision": _decision(item),
        "quorum": quorum_body(quorum_of(meeting, item)),
    }


def _decision(item: MeetingItem) -> dict[str, Any] | None:
    if item.decision_number is None:
        return None
    votes = None
    if item.votes_for is not None:
        votes = {
            "votes_for": item.votes_for,
            "against": item.votes_against,
            "abstention": item.votes_abstention,
        }
    return {
        "number": item.decision_number,
        "outcome": item.outcome,
        "conditions": item.conditions,
        "comment": item.comment,
        "votes": votes,
        "decided_at": iso_instant(item.decided_at),
    }


def quorum_body(quorum: Quorum) -> dict[str, Any]:
    return {
        "met": quorum.met,
        "members": quorum.members,
        "counted": quorum.counted,
        "required": quorum.required,
        "rule": quorum.rule,
        "sentence": quorum.sentence,
    }


def report_body(report: CloseReport) -> dict[str, Any]:
    """Return the close's report: the quorum, and per item whether it applies and why not."""
    return {
        "meeting": report.meeting,
        "ready": report.ready,
        "closed": report.closed,
        "quorum": quorum_body(report.quorum),
        "items": [
            {
                "item_id": i.item_id,
                "position": i.position,
                "title": i.title,
                "decision_number": i.decision_number,
                "outcome": i.outcome,
                "applies": i.applies,
                "reasons": list(i.reasons),
            }
            for i in report.items
        ],
    }

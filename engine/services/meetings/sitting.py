"""In session: who attends (present, represented by a proxy, excused, absent) and the decision
on each item, numbered by the meeting."""

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted, Reason
from engine.models import (
    ATTENDANCE,
    OUTCOMES,
    Meeting,
    MeetingItem,
    MeetingMember,
)
from engine.rules.policy import Actor
from engine.services.meetings.access import clean_text, item_to_change, log_meeting, open_meeting
from engine.services.meetings.quorum import quorum_of


def set_attendance(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    user_id: int,
    attendance: str,
    proxy_holder_id: int | None = None,
) -> MeetingMember:
    """Record how a convened member attends: present, represented (by whom), excused, absent."""
    meeting = open_meeting(uow, actor, meeting_id, states=("convened",))
    members = {m.user_id: m for m in meeting.members}
    member = members.get(user_id)
    if member is None:
        raise InvalidInput({"user_id": ["Cette personne n'est pas convoquée à la séance."]})
    if attendance not in ATTENDANCE:
        raise InvalidInput({"attendance": ["Présent, représenté, excusé ou absent."]})
    if attendance == "represented":
        _check_proxy(members, member, proxy_holder_id)
    elif proxy_holder_id is not None:
        raise InvalidInput({"proxy_holder_id": ["Seul un membre représenté donne un pouvoir."]})
    if attendance != "present" and any(
        m.proxy_holder_id == user_id for m in members.values() if m is not member
    ):
        raise InvalidInput({"attendance": ["Ce membre détient un pouvoir : il doit être présent."]})
    before = member.attendance
    member.attendance, member.proxy_holder_id = attendance, proxy_holder_id
    try:
        uow.session.flush()
    except IntegrityError as clash:  # another secretary gave the same proxy meanwhile
        raise InvalidInput({"proxy_holder_id": ["Ce membre détient déjà un pouvoir."]}) from clash
    changes = {"attendance": {"before": before, "after": attendance}}
    data = {"user_id": user_id, "proxy_holder_id": proxy_holder_id}
    log_meeting(uow, actor, meeting, "attendance", changes=changes, data=data)
    uow.commit()
    return member


def _check_proxy(members: dict[int, MeetingMember], member: MeetingMember, holder_id) -> None:
    holder = members.get(holder_id)
    if holder is None or holder is member:
        raise InvalidInput({"proxy_holder_id": ["Le pouvoir va à un autre membre convoqué."]})
    if holder.attendance != "present":
        raise InvalidInput({"proxy_holder_id": ["Le pouvoir va à un membre présent."]})
    if any(m.proxy_holder_id == holder_id for m in members.values() if m is not member):
        raise InvalidInput(
            {"proxy_holder_id": ["Ce membre détient déjà un pouvoir (un seul chacun)."]}
        )


def record_decision(
    uow: UnitOfWork,
    actor: Actor,
    item_id: int,
    outcome: str,
    *,
    conditions: str | None = None,
    comment: str | None = None,
    votes: tuple[int, int, int] | None = None,
) -> MeetingItem:
    """Record the committee's decision on an item, in session; its number is issued once."""
    item = item_to_change(uow, item_id)
    meeting = open_meeting(uow, actor, item.meeting_id, states=("convened",))
    _check_decision(meeting, item, actor, outcome, votes)
    if item.decision_number is None:
        issued = uow.connection.execute(
            update(Meeting.__table__)
            .where(Meeting.__table__.c.id == meeting.id)
            .values(decisions_issued=Meeting.__table__.c.decisions_issued + 1)
            .returning(Meeting.__table__.c.decisions_issued)
        ).scalar_one()
        item.decision_number = f"{meeting.reference}/D{issued:02d}"
    before = item.outcome
    item.outcome, item.conditions, item.comment = (
        outcome,
        clean_text(conditions),
        clean_text(comment),
    )
    item.votes_for, item.votes_against, item.votes_abstention = votes or (None, None, None)
    item.decided_at, item.decided_by_id = uow.clock(), actor.id
    uow.session.flush()
    data = {
        "item": item.position,
        "decision": item.decision_number,
        "outcome": outcome,
        "votes": list(votes) if votes else None,
        "recused": sorted(r.user_id for r in item.recusals),
    }
    log_meeting(
        uow,
        actor,
        meeting,
        "record_decision",
        changes={"outcome": {"before": before, "after": outcome}},
        data=data,
    )
    uow.commit()
    return item


def _check_decision(meeting, item, actor, outcome, votes) -> None:
    if item.kind != "decision" or item.record_id is None:
        raise InvalidInput({"outcome": ["Un point d'information ne se décide pas."]})
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": ["Approuver, renvoyer au COTECH ou ne pas retenir."]})
    if actor.id in {r.user_id for r in item.recusals}:
        raise NotPermitted(
            Reason(
                "recused",
                "Vous êtes déporté(e) de ce point : un autre membre du bureau enregistre "
                "la décision.",
            )
        )
    quorum = quorum_of(meeting, item)
    if not quorum.met:
        raise NotPermitted(Reason("no_quorum", "Décision impossible, " + quorum.sentence))
    if votes is not None:
        if len(votes) != 3 or any(not isinstance(v, int) or v < 0 for v in votes):
            raise InvalidInput(
                {"votes": ["Pour, contre, abstention : trois nombres entiers positifs."]}
            )
        if sum(votes) > quorum.counted:
            raise InvalidInput(
                {
                    "votes": [
                        f"{sum(votes)} voix pour {quorum.counted} votants (présents ou "
                        "représentés, hors déportés)."
                    ]
                }
            )

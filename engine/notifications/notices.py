"""What each audit event tells whom: the messages of a batch of events entering a state.

A state's `notify` list (workflows/*.yaml) names who is told when a record enters it: a role's
active holders are asked to act (`record_waiting`); "owner", the owners of the record's
organisation, learn the COTECH's or the COPIL's decision (`record_decided`); "members", a
meeting's convened members and its secretary, receive its convocation or its approved minutes.
The person who made the change is never told of their own act. A batch costs one query per
record type and at most three for its recipients, whatever its number of events.

A message's context holds no personal data of anyone but its recipient: the record's
reference, title and link, the state, the deciding body ("le COTECH", "le COPIL"), the
decision's comment — never who acted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, cast, null, select

from engine.models.opinion import Opinion
from engine.notifications import recipients
from engine.notifications.outbox import Message
from engine.notifications.recipients import Recipient
from engine.records.registry import OPINION, RECORD_TYPES, RecordType
from engine.rules.workflow import MEETING_MEMBERS, StateDef, Workflow, WorkflowRegistry

MEETING_EXTRA = ("committee", "starts_at", "place")
# An opinion's audience: the service asked (workflows/opinion.yaml).
EXPERT = "expert"
MEETING_TEMPLATES = {
    "convened": "meeting_convened",
    "minutes_approved": "meeting_minutes_approved",
}


@dataclass(frozen=True)
class Subject:
    """The record an event is about, as its messages need it."""

    rtype: RecordType
    id: int
    reference: str
    title: str
    workflow: Workflow
    organisation_id: int | None
    extra: dict[str, Any]


@dataclass
class Audiences:
    """The recipients of a batch, resolved once: by role, by organisation, by meeting."""

    by_role: dict[str, list[Recipient]]
    by_organisation: dict[int, list[Recipient]]
    by_meeting: dict[int, list[Recipient]]
    # An opinion's service: its active users, by organisation.
    by_expert: dict[int, list[Recipient]]

    def of(self, audience: str, subject: Subject) -> list[Recipient]:
        if audience == EXPERT:
            return self.by_expert.get(subject.organisation_id, [])
        if audience == "owner":
            return self.by_organisation.get(subject.organisation_id, [])
        if audience == MEETING_MEMBERS:
            return self.by_meeting.get(subject.id, [])
        return self.by_role.get(audience, [])


def notices(
    conn: Connection, events: Sequence, workflows: WorkflowRegistry, at: datetime | None = None
) -> list[Message]:
    """Return the messages of these audit events (rows with position, record_type, record_id,
    action, from_state, to_state, actor_id, occurred_at, comment, inputs); a role's or an
    organisation's owners' messages also go to the delegates it is lent to at `at`."""
    subjects = _subjects(conn, events, workflows)
    notifying = [
        (event, subjects[key], state)
        for event in events
        if (key := (event.record_type, event.record_id)) in subjects
        and (state := subjects[key].workflow.states.get(event.to_state)) is not None
        and state.notify
    ]
    if not notifying:
        return []
    audiences = _audiences(conn, notifying, at)
    return [
        message
        for event, subject, state in notifying
        for message in _messages(event, subject, state, audiences)
    ]


def _subjects(conn: Connection, events: Iterable, workflows: WorkflowRegistry) -> dict:
    ids: dict[str, set[int]] = {}
    for event in events:
        if event.record_type in RECORD_TYPES and event.record_id is not None:
            ids.setdefault(event.record_type, set()).add(event.record_id)
    found = {}
    for kind, wanted in ids.items():
        rtype = RECORD_TYPES[kind]
        for row in conn.execute(_subject_query(rtype, wanted)):
            workflow = workflows.get(row.workflow_name, row.workflow_version)
            extra = {k: v for k, v in row._mapping.items() if k in MEETING_EXTRA}
            found[(kind, row.id)] = Subject(
                rtype, row.id, row.reference, row.title, workflow, row.organisation_id, extra
            )
    found.update(_opinion_subjects(conn, events, workflows))
    return found


def _opinion_subjects(conn: Connection, events: Iterable, workflows: WorkflowRegistry) -> dict:
    """An opinion's messages name the record it is about and link to the opinion's page; its
    organisation is the service asked."""
    wanted = sorted({e.record_id for e in events if e.record_type == OPINION.name})
    found = {}
    if not wanted:
        return found
    o = Opinion.__table__
    for kind in ("scheme", "pooling"):
        t = RECORD_TYPES[kind].table
        query = (
            select(
                o.c.id,
                t.c.reference,
                t.c.title,
                o.c.workflow_name,
                o.c.workflow_version,
                o.c.expert_organisation_id,
            )
            .join(t, (t.c.id == o.c.record_id) & (o.c.record_type == kind))
            .where(o.c.id.in_(wanted))
        )
        for row in conn.execute(query):
            workflow = workflows.get(row.workflow_name, row.workflow_version)
            found[(OPINION.name, row.id)] = Subject(
                OPINION, row.id, row.reference, row.title, workflow, row.expert_organisation_id, {}
            )
    return found


def _subject_query(rtype: RecordType, ids: set[int]):
    t = rtype.table
    organisation = (
        t.c[rtype.organisation_column] if rtype.organisation_column else cast(null(), Integer)
    )
    columns = [t.c.id, t.c.reference, t.c.title, t.c.workflow_name, t.c.workflow_version]
    columns.append(organisation.label("organisation_id"))
    if rtype.name == "meeting":
        columns += [t.c.committee, t.c.starts_at, t.c.place]
    return select(*columns).where(t.c.id.in_(sorted(ids)))


def _audiences(conn: Connection, notifying: list, at: datetime | None) -> Audiences:
    roles, organisations, meetings, experts = set(), set(), set(), set()
    for _, subject, state in notifying:
        for audience in state.notify:
            if audience == EXPERT:
                experts.add(subject.organisation_id)
            elif audience == "owner":
                organisations.add(subject.organisation_id)
            elif audience == MEETING_MEMBERS:
                meetings.add(subject.id)
            else:
                roles.add(audience)
    return Audiences(
        recipients.with_roles_by_role(conn, roles, at) if roles else {},
        recipients.owners_by_organisation(conn, organisations, at) if organisations else {},
        recipients.members_of_meetings(conn, meetings) if meetings else {},
        recipients.users_of_organisations(conn, experts) if experts else {},
    )


def _messages(event, subject: Subject, state: StateDef, audiences: Audiences) -> list[Message]:
    told: set[int] = set()
    messages = []
    for audience in state.notify:
        for person in audiences.of(audience, subject):
            if person.id == event.actor_id or person.id in told:
                continue
            told.add(person.id)
            template, context = _content(audience, event, subject, state, person.locale)
            messages.append(
                Message(
                    key=f"event:{event.position}:user:{person.id}",
                    template=template,
                    recipient_email=person.email,
                    locale=person.locale,
                    context=context,
                    recipient_id=person.id,
                    record_type=subject.rtype.name,
                    record_id=subject.id,
                    event_position=event.position,
                    held=person.held,
                )
            )
    return messages


def _content(audience, event, subject: Subject, state: StateDef, locale: str):
    context: dict[str, Any] = {
        "reference": subject.reference,
        "title": subject.title,
        "state": state.label if locale == "fr" else state.label_en,
        "path": subject.rtype.path(subject.id),
        "occurred_at": event.occurred_at.isoformat(),
    }
    if audience == MEETING_MEMBERS:
        return MEETING_TEMPLATES[state.name], {**context, **_meeting(subject)}
    if audience == EXPERT:
        return "opinion_requested", context
    if audience == "owner":
        return "record_decided", {**context, **_decision(event, subject)}
    return "record_waiting", context


def _meeting(subject: Subject) -> dict[str, Any]:
    starts_at = subject.extra["starts_at"]
    return {
        "committee": subject.extra["committee"].upper(),
        "starts_at": starts_at.isoformat() if starts_at else None,
        "place": subject.extra["place"],
        "convocation_path": subject.rtype.path(subject.id, "convocation.pdf"),
        "minutes_path": subject.rtype.path(subject.id, "proces-verbal.pdf"),
    }


def _decision(event, subject: Subject) -> dict[str, Any]:
    """The decision told to the owners: its outcome, the body that took it, its comment."""
    definition = subject.workflow.definition(event.action, event.from_state)
    roles = definition.roles if definition is not None else frozenset()
    body = "copil" if "copil" in roles else "cotech" if "cotech" in roles else "admin"
    inputs = event.inputs or {}
    return {
        "outcome": event.to_state,
        "by": body,
        "comment": event.comment,
        "decision_reference": inputs.get("decision_reference"),
    }

"""Opinions (avis): the COTECH asks a service's opinion on a scheme or a pooling, the service
answers, or the COTECH withdraws the request. Each change is one audited unit of work.

Who:
- asks (`request_opinion`) and withdraws: a COTECH member or the coordinator (REQUESTERS), on a
  record they can see;
- answers: any active user of the organisation asked (the expert); the person named in the
  request, if any, is only who is expected first. A colleague may answer for an absent one;
- reads: the committees' members, secretaries and administrators (COMMITTEE), and the expert's
  organisation (its own requests only). Never the record's owners: an opinion is the committee's
  working material, like its private notes; the expert cannot be one of the record's own
  organisations (separation of duties: a structure does not give an opinion on its own scheme).

The audit events are `record_type` "opinion" (not the record's: the record's history is shown
to its owners), `record_reference` the record's reference, and `data` the record's type and id.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted, Reason
from engine.models import EXPERT_KINDS, VERDICTS, Opinion, Organisation, Scheme, User
from engine.models.pooling import pooling_member
from engine.records import audit
from engine.records.registry import RECORD_TYPES, RecordFacts
from engine.rules.inputs import validate_inputs
from engine.rules.policy import Actor, inactive_reason
from engine.services.common import RecordRef, ensure_visible, load_facts

KINDS = ("scheme", "pooling")
REQUESTERS = frozenset({"cotech", "coordinator"})
COMMITTEE = frozenset({"cotech", "coordinator", "copil", "secretary", "admin"})
WORKFLOW = "opinion"
QUESTION_MAX = 5000


def today(uow: UnitOfWork) -> date:
    """The Martinique day of the unit of work's clock: what a due date is compared with."""
    return local(uow.clock()).date()


def is_committee(actor: Actor) -> bool:
    """Whether the actor reads every opinion and note (a committee member, an administrator)."""
    return actor.active and actor.holds_any(COMMITTEE)


def may_read(actor: Actor, opinion: Opinion) -> bool:
    """The committee reads every opinion; a service, the opinions asked of it."""
    if not actor.active:
        return False
    return is_committee(actor) or (
        actor.organisation_id is not None
        and actor.organisation_id == opinion.expert_organisation_id
    )


def may_answer(actor: Actor, opinion: Opinion) -> bool:
    return (
        actor.active
        and opinion.state == "requested"
        and actor.organisation_id is not None
        and actor.organisation_id == opinion.expert_organisation_id
    )


def may_request(actor: Actor) -> bool:
    return actor.active and actor.capacity(REQUESTERS, None) is not None


def record_facts(uow: UnitOfWork, conn, record, actor: Actor) -> RecordFacts:
    ref = RecordRef.of(record)
    if ref.kind not in KINDS:
        raise NotFound()
    rtype = RECORD_TYPES[ref.kind]
    facts = load_facts(conn, rtype, ref.id, lock=False)
    ensure_visible(uow.workflows.get(facts.workflow_name, facts.workflow_version), facts, actor)
    return facts


def _parties(conn, facts: RecordFacts) -> set[int]:
    """The record's own organisations: a scheme's; a pooling's lead and its members'."""
    parties = {facts.organisation_id} if facts.organisation_id is not None else set()
    if facts.kind == "pooling":
        s = Scheme.__table__
        rows = conn.execute(
            select(s.c.organisation_id)
            .join(pooling_member, pooling_member.c.scheme_id == s.c.id)
            .where(pooling_member.c.pooling_id == facts.id)
        )
        parties.update(r.organisation_id for r in rows)
    return parties


def _requester(actor: Actor) -> Actor:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    capacity = actor.capacity(REQUESTERS, None)
    if capacity is None:
        raise NotPermitted(
            Reason(
                "role_required",
                "Demander ou retirer un avis est réservé aux membres du COTECH et au coordinateur.",
            )
        )
    return capacity


@dataclass(frozen=True)
class OpinionRequest:
    """What a request names, as typed (ids and date already parsed, or None)."""

    expert_organisation_id: int | None
    question: str | None
    due_on: date | None
    expert_user_id: int | None = None


def request_opinion(uow: UnitOfWork, record, actor: Actor, wanted: OpinionRequest) -> Opinion:
    """Ask an organisation's opinion on a record; InvalidInput (French, per field) if not valid."""
    conn = uow.begin_write()
    facts = record_facts(uow, conn, record, actor)
    capacity = _requester(actor)
    errors: dict[str, list[str]] = {}
    question = (wanted.question or "").strip() if isinstance(wanted.question, str) else ""
    if not question:
        errors["question"] = ["Indiquez la question posée au service."]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [f"La question dépasse {QUESTION_MAX} caractères."]
    day = today(uow)
    if not isinstance(wanted.due_on, date):
        errors["due_on"] = ["Indiquez la date à laquelle l'avis est attendu."]
    elif wanted.due_on <= day:
        errors["due_on"] = ["La date attendue doit être postérieure à aujourd'hui."]
    organisation = None
    if wanted.expert_organisation_id is None:
        errors["expert_organisation_id"] = ["Choisissez le service consulté."]
    else:
        organisation = uow.session.get(Organisation, wanted.expert_organisation_id)
        if organisation is None:
            errors["expert_organisation_id"] = ["Ce service n'existe pas."]
        elif organisation.kind not in EXPERT_KINDS:
            errors["expert_organisation_id"] = [
                "Un avis se demande à un service de l'État ou à une commune."
            ]
        elif organisation.id in _parties(conn, facts):
            noun = RECORD_TYPES[facts.kind].french.this
            errors["expert_organisation_id"] = [
                f"« {organisation.name} » porte {noun} : on ne lui demande pas son avis "
                "(séparation des fonctions)."
            ]
    if wanted.expert_user_id is not None and organisation is not None:
        person = uow.session.get(User, wanted.expert_user_id)
        if person is None or not person.active or person.organisation_id != organisation.id:
            errors["expert_user_id"] = [
                "Cette personne n'est pas un utilisateur actif du service consulté."
            ]
    if errors:
        raise InvalidInput(errors)
    workflow = uow.workflows.current(WORKFLOW)
    now = uow.clock()
    opinion = Opinion(
        record_type=facts.kind,
        record_id=facts.id,
        expert_organisation=organisation,
        expert_user_id=wanted.expert_user_id,
        question=question,
        due_on=wanted.due_on,
        state=workflow.initial,
        workflow_name=workflow.name,
        workflow_version=workflow.version,
        requested_by_id=actor.id,
        requested_at=now,
        updated_at=now,
    )
    uow.session.add(opinion)
    uow.session.flush()
    data = {
        "record_type": facts.kind,
        "record_id": facts.id,
        "expert_organisation_id": organisation.id,
        "expert_organisation": organisation.name,
        "expert_user_id": wanted.expert_user_id,
        "due_on": wanted.due_on.isoformat(),
        **(capacity.audit_data() or {}),
    }
    _log(conn, opinion, facts.reference, "opinion_request", None, capacity, question, data, now)
    uow.commit()
    return opinion


def _log(conn, opinion, reference, action, from_state, actor, comment, data, now) -> None:
    audit.append(
        conn,
        [
            audit.Entry(
                record_type=WORKFLOW,
                record_id=opinion.id,
                record_reference=reference,
                action=action,
                occurred_at=now,
                from_state=from_state,
                to_state=opinion.state,
                actor_id=actor.id,
                actor_label=actor.label,
                comment=comment,
                data=data,
            )
        ],
    )


def _open(uow: UnitOfWork, opinion_id: int, actor: Actor, expected_version: int | None):
    """Begin the write and read the opinion locked; NotFound if the actor may not read it."""
    if not isinstance(opinion_id, int) or isinstance(opinion_id, bool):
        raise NotFound()
    uow.begin_write()
    opinion = uow.session.get(Opinion, opinion_id, with_for_update=True)
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if opinion is None or not may_read(actor, opinion):
        raise NotFound()
    if expected_version is not None and expected_version != opinion.version:
        raise Conflict(current_version=opinion.version, changed_at=opinion.updated_at)
    uow.session.refresh(opinion, ["expert_organisation"])  # read by callers after the commit
    return opinion, uow.workflows.get(opinion.workflow_name, opinion.workflow_version)


def _transition(workflow, opinion: Opinion, name: str):
    tdef = workflow.definition(name, opinion.state)
    if tdef is None:
        label = workflow.states[opinion.state].label
        raise NotPermitted(
            Reason("invalid_transition", f"Cet avis est déjà {label} : on ne peut plus le changer.")
        )
    return tdef


def _reference(uow: UnitOfWork, opinion: Opinion) -> str:
    model = RECORD_TYPES[opinion.record_type].model
    return uow.session.scalar(select(model.reference).where(model.id == opinion.record_id))


def answer_opinion(
    uow: UnitOfWork,
    opinion_id: int,
    actor: Actor,
    verdict: str | None,
    answer: str | None,
    expected_version: int | None = None,
) -> Opinion:
    """The expert's organisation gives its opinion: a verdict (VERDICTS) and a text."""
    opinion, workflow = _open(uow, opinion_id, actor, expected_version)
    tdef = _transition(workflow, opinion, "answer")
    if not may_answer(actor, opinion):
        raise NotPermitted(
            Reason(
                "not_expert",
                f"Seules les personnes de « {opinion.expert_organisation.name} » rendent cet avis.",
            )
        )
    schema = workflow.input_schemas[(tdef.name, opinion.state)]
    values = validate_inputs(schema, {"verdict": verdict, "answer": answer})
    if values["verdict"] not in VERDICTS:
        raise InvalidInput({"verdict": ["Choisissez : favorable, réservé ou défavorable."]})
    from_state, now = opinion.state, uow.clock()
    workflow.fire(holder := SimpleNamespace(state=opinion.state), tdef.name)
    opinion.state = holder.state
    opinion.verdict = values["verdict"]
    opinion.answer = values["answer"]
    opinion.answered_by_id = actor.id
    opinion.answered_at = now
    opinion.updated_at = now
    uow.session.flush()
    data = {
        "record_type": opinion.record_type,
        "record_id": opinion.record_id,
        "verdict": opinion.verdict,
    }
    reference = _reference(uow, opinion)
    conn = uow.connection
    _log(conn, opinion, reference, "answer", from_state, actor, opinion.answer, data, now)
    uow.commit()
    return opinion


def withdraw_opinion(
    uow: UnitOfWork,
    opinion_id: int,
    actor: Actor,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Opinion:
    """A COTECH member or the coordinator withdraws a request not yet answered."""
    opinion, workflow = _open(uow, opinion_id, actor, expected_version)
    tdef = _transition(workflow, opinion, "withdraw")
    capacity = actor.capacity(tdef.roles, None)
    if capacity is None:
        _requester(actor)  # raises the French reason
    values = validate_inputs(
        workflow.input_schemas[(tdef.name, opinion.state)],
        {"comment": comment} if comment else {},
    )
    from_state, now = opinion.state, uow.clock()
    workflow.fire(holder := SimpleNamespace(state=opinion.state), tdef.name)
    opinion.state = holder.state
    opinion.withdrawn_by_id = actor.id
    opinion.withdrawn_at = now
    opinion.withdrawal_comment = values.get("comment")
    opinion.updated_at = now
    uow.session.flush()
    data = {
        "record_type": opinion.record_type,
        "record_id": opinion.record_id,
        **(capacity.audit_data() or {}),
    }
    reference = _reference(uow, opinion)
    conn = uow.connection
    _log(
        conn, opinion, reference, "withdraw", from_state, capacity, values.get("comment"), data, now
    )
    uow.commit()
    return opinion


# Reading.


def opinions_of(uow: UnitOfWork, record, actor: Actor) -> list[Opinion]:
    """The opinions on a record the actor may read, oldest first (the record's visibility is
    checked): all for the committee, their own organisation's for a service, none for owners."""
    facts = record_facts(uow, uow.connection, record, actor)
    stmt = select(Opinion).where(Opinion.record_type == facts.kind, Opinion.record_id == facts.id)
    if not is_committee(actor):
        if actor.organisation_id is None or actor.organisation_id in _parties(
            uow.connection, facts
        ):
            return []
        stmt = stmt.where(Opinion.expert_organisation_id == actor.organisation_id)
    return list(uow.session.scalars(stmt.order_by(Opinion.requested_at, Opinion.id)))


@dataclass(frozen=True)
class OpinionFilter:
    record_type: str | None = None
    record_id: int | None = None
    expert_organisation_id: int | None = None
    state: str | None = None
    overdue: bool | None = None


def find_opinions(
    uow: UnitOfWork, actor: Actor, wanted: OpinionFilter, limit: int = 500
) -> list[Opinion]:
    """The opinions the actor may read that match `wanted`, the earliest due first."""
    if not actor.active:
        raise NotPermitted(inactive_reason())
    stmt = select(Opinion)
    if not is_committee(actor):
        if actor.organisation_id is None:
            return []
        stmt = stmt.where(Opinion.expert_organisation_id == actor.organisation_id)
    for key in ("record_type", "record_id", "expert_organisation_id", "state"):
        if getattr(wanted, key) is not None:
            stmt = stmt.where(getattr(Opinion, key) == getattr(wanted, key))
    if wanted.overdue is not None:
        late = (Opinion.state == "requested") & (Opinion.due_on < today(uow))
        stmt = stmt.where(late if wanted.overdue else ~late)
    stmt = stmt.order_by(Opinion.due_on, Opinion.id).limit(limit)
    return list(uow.session.scalars(stmt))


def get_opinion(uow: UnitOfWork, opinion_id: int, actor: Actor) -> Opinion:
    """One opinion the actor may read; NotFound otherwise."""
    if not actor.active:
        raise NotPermitted(inactive_reason())
    opinion = uow.session.get(Opinion, opinion_id)
    if opinion is None or not may_read(actor, opinion):
        raise NotFound()
    return opinion


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int
    reference: str
    title: str


def subjects(uow: UnitOfWork, opinions) -> dict[tuple[str, int], Subject]:
    """The reference and title of each opinion's record (one query per kind)."""
    found: dict[tuple[str, int], Subject] = {}
    for kind in KINDS:
        ids = {o.record_id for o in opinions if o.record_type == kind}
        if not ids:
            continue
        model = RECORD_TYPES[kind].model
        rows = uow.session.execute(
            select(model.id, model.reference, model.title).where(model.id.in_(ids))
        )
        for row in rows:
            found[(kind, row.id)] = Subject(kind, row.id, row.reference, row.title)
    return found


def expert_organisations(uow: UnitOfWork) -> list[Organisation]:
    """The organisations an opinion may be asked of, by name."""
    stmt = (
        select(Organisation).where(Organisation.kind.in_(EXPERT_KINDS)).order_by(Organisation.name)
    )
    return list(uow.session.scalars(stmt))


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    organisation_id: int
    organisation: str


def expert_people(uow: UnitOfWork) -> list[Person]:
    """The active users of the organisations an opinion may be asked of: who may be named."""
    rows = uow.session.execute(
        select(User.id, User.name, Organisation.id.label("org_id"), Organisation.name.label("org"))
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind.in_(EXPERT_KINDS), User.active.is_(True))
        .order_by(Organisation.name, User.name)
    )
    return [Person(r.id, r.name, r.org_id, r.org) for r in rows]


@dataclass(frozen=True)
class OpinionLine:
    """An opinion as a document prints it (the case file, the COPIL agenda)."""

    expert: str
    state: str  # the French state label: demandé, rendu, retiré
    question: str
    requested_at: object
    due_on: date
    verdict: str | None
    answer: str | None
    answered_by: str | None
    answered_at: object
    overdue: bool


def opinion_lines(uow: UnitOfWork, opinions) -> list[OpinionLine]:
    """The opinions as printed lines, in the order given."""
    day = today(uow)
    lines = []
    for o in opinions:
        state = uow.workflows.get(o.workflow_name, o.workflow_version).states[o.state]
        lines.append(
            OpinionLine(
                o.expert_organisation.name,
                state.label,
                o.question,
                o.requested_at,
                o.due_on,
                o.verdict_label,
                o.answer,
                o.answered_by.name if o.answered_by else None,
                o.answered_at,
                o.overdue(day),
            )
        )
    return lines


def committee_opinions(uow: UnitOfWork, keys: list[tuple[str, int]]) -> dict:
    """The opinions not withdrawn on each (kind, id), for the committee's own documents (the
    caller checked the reader is a committee member)."""
    found: dict[tuple[str, int], list[Opinion]] = {}
    for kind in KINDS:
        ids = [i for k, i in keys if k == kind]
        if not ids:
            continue
        rows = uow.session.scalars(
            select(Opinion)
            .where(
                Opinion.record_type == kind,
                Opinion.record_id.in_(ids),
                Opinion.state != "withdrawn",
            )
            .order_by(Opinion.requested_at, Opinion.id)
        )
        for o in rows:
            found.setdefault((kind, o.record_id), []).append(o)
    return found

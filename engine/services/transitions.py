"""Apply a workflow transition to a record, and tell which transitions an actor may apply."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import object_session

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted, Reason
from engine.records import audit
from engine.records.registry import RECORD_TYPES, RecordFacts, RecordType
from engine.rules.effects import EFFECTS, EffectContext
from engine.rules.inputs import jsonable_inputs, validate_inputs
from engine.rules.policy import (
    GUARDS,
    ON_BEHALF,
    STAMPS,
    Actor,
    actor_for,
    choose_capacity,
    guard_reasons,
)
from engine.rules.workflow import (
    InputSpec,
    StateDef,
    TransitionDef,
    Workflow,
    WorkflowRegistry,
    default_registry,
)
from engine.services.common import (
    RecordRef,
    conflict,
    ensure_visible,
    load_facts,
    open_record,
)


@dataclass(frozen=True)
class TransitionResult:
    kind: str
    id: int
    reference: str
    transition: str
    from_state: str
    to_state: str
    version: int
    positions: tuple[int, ...]


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    label_en: str
    to: str
    to_label: str
    allowed: bool
    reasons: tuple[Reason, ...]
    inputs: tuple[InputSpec, ...]
    # The delegator (their name) the actor would act for, when only a delegation allows it.
    on_behalf_of: str | None = None


class _StateHolder:
    """What the shared machine fires on: only the state, never the ORM object."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


@dataclass(frozen=True)
class InSession:
    """A transition applied by closing a meeting: which one, and the decision it carries out."""

    meeting: str  # the meeting's reference, COPIL-2027-01
    decision: str | None = None  # the decision's number, COPIL-2027-01/D04
    data: dict[str, Any] | None = None  # what the audit event keeps of it (votes, recusals…)


def apply_transition(
    uow: UnitOfWork,
    record: Any,
    name: str,
    actor: Actor,
    inputs: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> TransitionResult:
    """Apply transition `name` to a record in one unit of work, audited, or change nothing."""
    result = apply_uncommitted(uow, record, name, actor, inputs, expected_version)
    uow.commit()
    uow.forget(RECORD_TYPES[result.kind].model, result.id)
    return result


def apply_uncommitted(
    uow: UnitOfWork,
    record: Any,
    name: str,
    actor: Actor,
    inputs: dict[str, Any] | None = None,
    expected_version: int | None = None,
    session: InSession | None = None,
    facts: RecordFacts | None = None,
) -> TransitionResult:
    """Apply a transition inside the unit of work's transaction, without committing it: for a
    service that applies several at once (a meeting's close), all or nothing. `facts`, when
    given, were read locked in this same transaction."""
    conn, rtype, facts, workflow = open_record(uow, record, actor, expected_version, facts)
    tdef, actor = _authorise(workflow, rtype, name, facts, actor, session is not None)
    clean = validate_inputs(workflow.input_schemas[(name, facts.state)], inputs)
    _ensure_requirements(workflow, rtype, tdef, facts, clean)
    holder = _StateHolder(facts.state)
    workflow.fire(holder, name)
    now = uow.clock()
    params = _update_params(tdef, facts, holder.state, clean, actor, now)
    if conn.execute(_update_statement(rtype, _extra_columns(tdef)), params).rowcount != 1:
        raise conflict(conn, rtype, facts.id)
    entry = _entry(rtype, tdef, facts, holder.state, clean, actor, now)
    if session is not None:
        entry.data = {
            "meeting": session.meeting,
            "decision": session.decision,
            **(session.data or {}),
        }
    elif actor.on_behalf_of is not None:
        entry.data = actor.audit_data()
    entries = [entry]
    context = EffectContext(conn, facts.id, facts.reference, actor.id, actor.label, now)
    for effect in tdef.effects:
        entries.extend(EFFECTS[effect](context))
    positions = audit.append(conn, entries)
    return TransitionResult(
        rtype.name,
        facts.id,
        facts.reference,
        name,
        facts.state,
        holder.state,
        facts.version + 1,
        tuple(positions),
    )


def available_transitions(
    record: Any,
    actor: Actor,
    workflows: WorkflowRegistry | None = None,
    *,
    in_session: bool = False,
) -> list[TransitionOption]:
    """List every transition leaving the record's state, allowed or not, with the reasons."""
    facts = record if isinstance(record, RecordFacts) else _facts_of(record)
    rtype = RECORD_TYPES[facts.kind]
    workflow = (workflows or default_registry()).get(facts.workflow_name, facts.workflow_version)
    ensure_visible(workflow, facts, actor)
    options = []
    for tdef in workflow.leaving(facts.state):
        capacity, reasons = _capacity(rtype, tdef, facts, actor, in_session)
        missing = missing_requirements(
            workflow.states[tdef.dest], rtype, facts, _provided(tdef, None)
        )
        if missing:
            reasons.append(_missing_reason(rtype, tdef, missing))
        dest = workflow.states[tdef.dest]
        options.append(
            TransitionOption(
                tdef.name,
                tdef.label,
                tdef.label_en,
                tdef.dest,
                dest.label,
                not reasons,
                tuple(reasons),
                tuple(tdef.inputs.values()),
                _delegator_name(capacity),
            )
        )
    return options


def _delegator_name(capacity: Actor | None) -> str | None:
    if capacity is None or capacity.on_behalf_of is None:
        return None
    return capacity.on_behalf_of.delegator_name or capacity.on_behalf_of.delegator_label


def transition_reasons(
    facts: RecordFacts,
    name: str,
    actor: Actor,
    workflows: WorkflowRegistry,
    *,
    in_session: bool = False,
) -> list[Reason] | None:
    """Why `actor` may not fire `name` on the record now ([] when they may), or None when no
    such transition leaves its state: `available_transitions` for one transition."""
    rtype = RECORD_TYPES[facts.kind]
    workflow = workflows.get(facts.workflow_name, facts.workflow_version)
    tdef = workflow.definition(name, facts.state)
    if tdef is None:
        return None
    reasons = _reasons(rtype, tdef, facts, actor, in_session)
    missing = missing_requirements(workflow.states[tdef.dest], rtype, facts, _provided(tdef, None))
    if missing:
        reasons.append(_missing_reason(rtype, tdef, missing))
    return reasons


def available_transitions_many(
    records: Sequence[RecordFacts], actor: Actor, workflows: WorkflowRegistry | None = None
) -> list[tuple[TransitionOption, ...]]:
    """`available_transitions` for each record of a page, computed once per kind of record.

    The options depend only on what `_options_key` holds — records in the same state, equally
    filled, equally related to the actor share them (the same tuple: do not mutate).
    """
    registry = workflows or default_registry()
    known: dict[tuple, tuple[TransitionOption, ...]] = {}
    out = []
    for facts in records:
        key = _options_key(facts, actor)
        if key not in known:
            known[key] = tuple(available_transitions(facts, actor, registry))
        out.append(known[key])
    return out


def _options_key(facts: RecordFacts, actor: Actor) -> tuple:
    """All that `available_transitions` reads of a record, as seen by `actor`."""
    rtype = RECORD_TYPES[facts.kind]
    return (
        facts.kind,
        facts.workflow_name,
        facts.workflow_version,
        facts.state,
        # Actor.holds("owner", …) and the guards' stamps compare these with each capacity.
        tuple(_relation(facts, capacity) for capacity in actor.capacities()),
        tuple(facts.filled(name, req) for name, req in rtype.requirements.items()),
    )


def _relation(facts: RecordFacts, capacity: Actor) -> tuple:
    persons = capacity.persons
    stamps = _stamps(facts)
    return (
        capacity.organisation_id is not None and facts.organisation_id == capacity.organisation_id,
        # Which person of the capacity each stamp names (the refusal's wording depends on it).
        *(persons.index(v) if v in persons else -1 for v in stamps.values()),
    )


def _facts_of(record: Any) -> RecordFacts:
    session = object_session(record)
    if session is None:
        raise TypeError("available_transitions needs a record attached to a session, or facts")
    ref = RecordRef.of(record)
    return load_facts(session.connection(), RECORD_TYPES[ref.kind], ref.id, lock=False)


def _reasons(
    rtype: RecordType,
    tdef: TransitionDef,
    facts: RecordFacts,
    actor: Actor,
    in_session: bool = False,
) -> list[Reason]:
    return _capacity(rtype, tdef, facts, actor, in_session)[1]


def _capacity(
    rtype: RecordType,
    tdef: TransitionDef,
    facts: RecordFacts,
    actor: Actor,
    in_session: bool = False,
) -> tuple[Actor | None, list[Reason]]:
    """The capacity the actor fires `tdef` through (their own role first, then a delegation's),
    or None and why not: role, then separation of duties against every person it engages."""
    if tdef.requires_meeting and not in_session:
        return None, [meeting_reason(tdef)]
    stamps = _stamps(facts)
    return choose_capacity(
        actor,
        tdef.roles,
        facts.organisation_id,
        lambda capacity: guard_reasons(tdef.guards, rtype.name, stamps, capacity),
    )


def meeting_reason(tdef: TransitionDef) -> Reason:
    return Reason(
        "meeting_required",
        f"« {tdef.label} » ne se fait qu'en séance : la clôture de la séance applique les "
        "décisions inscrites à son ordre du jour.",
    )


def _stamps(facts: RecordFacts) -> dict[str, int | None]:
    """The stamps the guards read: who acted, and whom they acted for."""
    return {column: getattr(facts, column) for guard in GUARDS.values() for column in guard.columns}


def _authorise(
    workflow: Workflow,
    rtype: RecordType,
    name: str,
    facts: RecordFacts,
    actor: Actor,
    in_session: bool = False,
) -> tuple[TransitionDef, Actor]:
    """Check role, then separation of duties, then that the transition leaves the state; return
    the definition and the capacity the actor fires it through."""
    candidates = workflow.definitions(name)
    if not candidates:
        raise InvalidInput({"transition": [f"Action inconnue : « {name} »."]})
    tdef = workflow.definition(name, facts.state)
    for candidate in [tdef] if tdef else candidates:
        capacity, reasons = _capacity(rtype, candidate, facts, actor, in_session)
        if not reasons:
            break
    if reasons:
        raise NotPermitted(reasons)
    if tdef is None:
        state = workflow.states[facts.state]
        raise NotPermitted(
            Reason(
                "wrong_state",
                f"Action « {candidates[0].label} » impossible : {rtype.french.this} est à l'état "
                f"« {state.label} ».",
            )
        )
    assert capacity is not None
    return tdef, capacity


def missing_requirements(
    state: StateDef, rtype: RecordType, facts: RecordFacts, provided: frozenset[str] = frozenset()
) -> list[tuple[str, ...]]:
    """Return each requirement group of `state` the record leaves unfilled."""
    missing = []
    for group in state.requires:
        names = tuple(group.split("|"))
        if any(n in provided or facts.filled(n, rtype.requirements[n]) for n in names):
            continue
        missing.append(names)
    return missing


def _provided(tdef: TransitionDef, clean: dict[str, Any] | None) -> frozenset[str]:
    """Fields the transition's inputs fill (all of them when the inputs are not known yet)."""
    return frozenset(
        spec.field
        for key, spec in tdef.inputs.items()
        if spec.field and (clean is None or key in clean)
    )


def _missing_reason(
    rtype: RecordType, tdef: TransitionDef, missing: list[tuple[str, ...]]
) -> Reason:
    labels = ", ".join(_labels(rtype, group) for group in missing)
    fields = tuple(n for group in missing for n in group)
    return Reason("missing_fields", f"À compléter avant de « {tdef.label} » : {labels}.", fields)


def _labels(rtype: RecordType, group: tuple[str, ...]) -> str:
    """Name a requirement group the record type's way: "courriel de contact ou téléphone…"."""
    return " ou ".join(rtype.requirements[n].label for n in group)


def _ensure_requirements(
    workflow: Workflow,
    rtype: RecordType,
    tdef: TransitionDef,
    facts: RecordFacts,
    clean: dict[str, Any],
) -> None:
    missing = missing_requirements(workflow.states[tdef.dest], rtype, facts, _provided(tdef, clean))
    if not missing:
        return
    errors = {}
    for group in missing:
        labels = _labels(rtype, group)
        errors[group[0]] = [f"À renseigner avant de « {tdef.label} » : {labels}."]
    raise InvalidInput(errors, message=_missing_reason(rtype, tdef, missing).message)


def _extra_columns(tdef: TransitionDef) -> tuple[str, ...]:
    stamp = (STAMPS[tdef.stamp], ON_BEHALF[STAMPS[tdef.stamp]]) if tdef.stamp else ()
    fields = tuple(sorted(spec.field for spec in tdef.inputs.values() if spec.field))
    return stamp + fields


@cache
def _update_statement(rtype: RecordType, extra: tuple[str, ...]):
    """The compare-and-swap update of a transition, built once per (type, columns)."""
    t = rtype.table
    values = {
        c: bindparam(f"v_{c}")
        for c in ("state", "updated_at", "updated_by_id", "state_changed_at", *extra)
    }
    values["version"] = bindparam("new_version")
    return (
        update(t)
        .where(t.c.id == bindparam("record_id"), t.c.version == bindparam("expected"))
        .values(values)
    )


def _update_params(tdef, facts, dest, clean, actor, now) -> dict[str, Any]:
    params = {
        "record_id": facts.id,
        "expected": facts.version,
        "new_version": facts.version + 1,
        "v_state": dest,
        "v_updated_at": now,
        "v_updated_by_id": actor.id,
        "v_state_changed_at": now,
    }
    if tdef.stamp:
        column = STAMPS[tdef.stamp]
        params[f"v_{column}"] = actor.id
        params[f"v_{ON_BEHALF[column]}"] = actor_for(actor)
    for key, spec in tdef.inputs.items():
        if spec.field:
            params[f"v_{spec.field}"] = clean.get(key)
    return params


def _entry(rtype, tdef, facts, dest, clean, actor, now) -> audit.Entry:
    comment = clean.get("comment")
    other = {k: v for k, v in clean.items() if k != "comment"}
    return audit.Entry(
        record_type=rtype.name,
        record_id=facts.id,
        record_reference=facts.reference,
        action=tdef.name,
        from_state=facts.state,
        to_state=dest,
        actor_id=actor.id,
        actor_label=actor.label,
        occurred_at=now,
        comment=comment,
        inputs=jsonable_inputs(other) or None,
    )

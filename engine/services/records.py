"""Create schemes and poolings, and edit their fields, each in one audited unit of work."""

from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted, Reason
from engine.french.messages import french_errors
from engine.french.text import searchable
from engine.models import Organisation, Pooling, Scheme
from engine.records import audit
from engine.records.registry import RECORD_TYPES, RecordType
from engine.records.schemas import NewPoolingFields, NewSchemeFields
from engine.records.values import apply_values, consistency_errors
from engine.rules.policy import Actor, actor_for, inactive_reason, role_reason
from engine.rules.workflow import Workflow
from engine.services.common import conflict, load_facts, open_record
from engine.services.references import next_reference
from engine.services.transitions import missing_requirements


def create_scheme(uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> Scheme:
    """Record a new scheme as a draft of its organisation (an owner of it, or an administrator);
    only a title is needed. Validated, audited, committed."""
    uow.begin_write()
    if not actor.active:
        raise NotPermitted(inactive_reason())
    clean = _load(NewSchemeFields(), data)
    organisation_id = clean.pop("organisation_id")
    if not (actor.holds("owner", organisation_id) or "admin" in actor.roles):
        raise NotPermitted(
            role_reason(frozenset({"owner"}), actor, organisation_id)
            or Reason("role_required", "Action réservée aux porteurs.")
        )
    if uow.session.get(Organisation, organisation_id) is None:
        raise InvalidInput({"organisation_id": ["Structure inconnue."]})
    if "admin" not in actor.roles:
        actor = actor.capacity(frozenset({"owner"}), organisation_id) or actor
    workflow = uow.workflows.current("scheme")
    scheme = Scheme(organisation_id=organisation_id, title=clean.pop("title"))
    scheme = _create(uow, actor, workflow, scheme, clean)
    uow.commit()
    return scheme


def create_pooling(uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> Pooling:
    """Record a pooling of two or more reviewed schemes (COTECH)."""
    uow.begin_write()
    if not actor.active:
        raise NotPermitted(inactive_reason())
    reason = role_reason(frozenset({"cotech"}), actor, None)
    if reason:
        raise NotPermitted(reason)
    actor = actor.capacity(frozenset({"cotech"}), None) or actor
    clean = _load(NewPoolingFields(), data)
    workflow = uow.workflows.current("pooling")
    pooling = Pooling(title=clean.pop("title"), kind=clean.pop("kind"))
    pooling = _create(uow, actor, workflow, pooling, clean)
    uow.commit()
    return pooling


def _create(uow: UnitOfWork, actor: Actor, workflow: Workflow, record, clean: dict) -> Any:
    rtype = RECORD_TYPES[record.record_type]
    session, now = uow.session, uow.clock()
    record.reference = next_reference(uow.connection, rtype.prefix, local(now).year)
    record.state, record.workflow_name, record.workflow_version = (
        workflow.initial,
        workflow.name,
        workflow.version,
    )
    record.created_at = record.updated_at = record.state_changed_at = now
    record.created_by_id = record.updated_by_id = actor.id
    record.created_for_id = actor_for(actor)
    session.add(record)
    changes = {"title": {"before": None, "after": record.title}}
    changes.update(apply_values(session, record, clean))
    if isinstance(record, Pooling) and "territories" not in clean:
        record.territories = _member_territories(record)
    _check_consistency(record)
    refresh_search_text(record)
    session.flush()
    initial = workflow.states[workflow.initial]
    if initial.requires:
        facts = load_facts(uow.connection, rtype, record.id, lock=False)
        missing = missing_requirements(initial, rtype, facts)
        if missing:
            raise InvalidInput({group[0]: ["Ce champ est obligatoire."] for group in missing})
    entry = _entry(rtype, record, "create", actor, now, changes, to_state=record.state)
    audit.append(uow.connection, [entry])
    return record


def refresh_search_text(record) -> None:
    """Keep a scheme's folded search text in step with its title, summary and description."""
    if isinstance(record, Scheme):
        record.search_text = searchable(record.title, record.summary, record.description)


def _member_territories(pooling: Pooling) -> list:
    """The territories of the members, each once, in the members' order."""
    return list(dict.fromkeys(t for member in pooling.members for t in member.territories))


def edit_record(
    uow: UnitOfWork,
    record: Any,
    data: dict[str, Any],
    actor: Actor,
    expected_version: int | None = None,
) -> Any:
    """Change fields of a record in a state the actor may edit; audit each before/after."""
    _, rtype, facts, workflow = open_record(uow, record, actor, expected_version)
    actor = ensure_editable(workflow, rtype, facts, actor)
    clean = _load(rtype.edit_fields(), data)
    obj = uow.session.get(rtype.model, facts.id, populate_existing=True)
    changes = apply_values(uow.session, obj, clean)
    _check_consistency(obj)
    if not changes:
        return obj
    now = uow.clock()
    obj.updated_at, obj.updated_by_id = now, actor.id
    refresh_search_text(obj)
    try:
        uow.session.flush()
    except StaleDataError:
        uow.rollback()
        raise conflict(uow.connection, rtype, facts.id) from None
    audit.append(uow.connection, [_entry(rtype, obj, "edit", actor, now, changes)])
    uow.commit()
    return obj


def ensure_editable(workflow: Workflow, rtype: RecordType, facts, actor: Actor) -> Actor:
    """Refuse an edit the record's state or the actor's roles do not allow (with reasons);
    return the capacity the actor edits through (their own role first, then a delegation's)."""
    state = workflow.states[facts.state]
    if state.final:
        raise NotPermitted(
            Reason(
                "final_state",
                f"Impossible de modifier {rtype.french.this} : "
                f"son état « {state.label} » est définitif.",
            )
        )
    if not state.editors:
        raise NotPermitted(
            Reason(
                "not_editable",
                f"Impossible de modifier {rtype.french.this} à l'état « {state.label} ».",
            )
        )
    reason = role_reason(state.editors, actor, facts.organisation_id)
    if reason:
        raise NotPermitted(
            Reason(
                reason.code,
                f"À l'état « {state.label} », la modification est réservée "
                + reason.message.removeprefix("Action réservée "),
            )
        )
    capacity = actor.capacity(state.editors, facts.organisation_id)
    assert capacity is not None  # role_reason found none missing
    return capacity


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput({"_schema": ["Données invalides : un objet est attendu."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(french_errors(exc.normalized_messages())) from exc


def _check_consistency(record) -> None:
    errors = consistency_errors(record)
    if errors:
        raise InvalidInput(errors)


def _entry(
    rtype: RecordType,
    record,
    action: str,
    actor: Actor,
    now,
    changes: dict,
    to_state: str | None = None,
) -> audit.Entry:
    return audit.Entry(
        record_type=rtype.name,
        record_id=record.id,
        record_reference=record.reference,
        action=action,
        occurred_at=now,
        actor_id=actor.id,
        actor_label=actor.label,
        changes=changes,
        to_state=to_state,
        data=actor.audit_data(),
    )

"""The case file of a scheme or a pooling: every field, the members, the whole timeline."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.documents.display import Display, field_label, territory_label
from engine.documents.document import Document
from engine.documents.environment import render, sentence
from engine.documents.timeline import timeline
from engine.errors import NotFound
from engine.models import PARTNER_ROLES, POOLING_KINDS, Comment, Pooling, Scheme
from engine.records import fields
from engine.records.registry import RECORD_TYPES
from engine.rules.policy import Actor, can_see
from engine.services.committee_notes import may_read_notes, notes_of
from engine.services.common import RecordRef, ensure_visible, load_facts
from engine.services.opinions import is_committee, opinion_lines, opinions_of


@dataclass(frozen=True)
class Note:
    author: str
    written_at: datetime
    body: str


@dataclass(frozen=True)
class Member:
    reference: str
    title: str
    organisation: str
    state: str
    budget: Decimal | None


def find_record(uow: UnitOfWork, reference: str) -> RecordRef:
    """Return the scheme or pooling with this reference (DSP-2026-0042, MUT-…); NotFound else."""
    wanted = reference.strip().upper()
    for rtype in RECORD_TYPES.values():
        t = rtype.table
        found = uow.connection.execute(select(t.c.id).where(t.c.reference == wanted)).scalar()
        if found is not None:
            return RecordRef(rtype.name, found)
    raise NotFound(f"Aucun dispositif ni mutualisation ne porte la référence « {reference} ».")


def case_file_document(uow: UnitOfWork, actor: Actor, record: Any) -> Document:
    """Render the case file of a record the actor may see; NotFound for one hidden from them."""
    ref = find_record(uow, record) if isinstance(record, str) else RecordRef.of(record)
    rtype = RECORD_TYPES[ref.kind]
    facts = load_facts(uow.connection, rtype, ref.id, lock=False)
    workflow = uow.workflows.get(facts.workflow_name, facts.workflow_version)
    ensure_visible(workflow, facts, actor)
    obj = uow.session.get(rtype.model, facts.id)
    display = Display(uow.session)
    context = {
        "record": obj,
        "kind": ref.kind,
        "document_title": rtype.french.case_file,
        "state_label": workflow.states[obj.state].label,
        "label": partial(field_label, ref.kind),
        "partner_roles": PARTNER_ROLES,
        "pooling_kinds": POOLING_KINDS,
        "events": timeline(uow.session, display, workflow, obj),
        "comments": _comments(uow, ref),
        # Never for the record's owners: the engine gives them no opinion and no note.
        **_committee_parts(uow, actor, ref),
        "issued_at": uow.clock(),
        "issued_by": actor.label,
    }
    if isinstance(obj, Pooling):
        html = render("pooling_case_file.html", **context, **_members(uow, actor, obj))
    else:
        html = render(
            "case_file.html",
            **context,
            sections=fields.sections(fields.SCHEME_FIELDS),
            shown=_shown(uow, obj, context["state_label"]),
        )
    return Document(
        "case_file",
        html,
        ref.kind,
        filename=obj.reference,
        record_id=obj.id,
        record_reference=obj.reference,
    )


def render_case_file(uow: UnitOfWork, actor: Actor, record: Any) -> str:
    """Return the printable HTML case file of a scheme or a pooling."""
    return case_file_document(uow, actor, record).html


def _committee_parts(uow: UnitOfWork, actor: Actor, ref: RecordRef) -> dict[str, Any]:
    """The opinions the reader may read (none for owners; the expert's own for a service), and
    the committee's notes for the committees only (None: the section is not printed)."""
    opinions = opinions_of(uow, ref, actor)
    notes = None
    if may_read_notes(actor):
        notes = [Note(n.author.name, n.created_at, n.body) for n in notes_of(uow, ref, actor)]
    return {
        "opinions": opinion_lines(uow, opinions),
        "show_opinions": is_committee(actor) or bool(opinions),
        "committee_notes": notes,
    }


def _comments(uow: UnitOfWork, ref: RecordRef) -> list[Note]:
    rows = uow.session.scalars(
        select(Comment)
        .where(Comment.record_type == ref.kind, Comment.record_id == ref.id)
        .order_by(Comment.created_at, Comment.id)
    )
    return [Note(c.author.name, c.created_at, c.body) for c in rows]


def _shown(uow: UnitOfWork, scheme: Scheme, state_label: str) -> dict[str, Any]:
    """Return what the case file shows of a scheme's fields that are not its own columns."""
    return {
        "organisation": scheme.organisation.name,
        "organisation_siren": scheme.organisation.siren,
        "state": sentence(state_label),
        "pooling": _pooling_reference(uow, scheme),
    }


def _pooling_reference(uow: UnitOfWork, scheme: Scheme) -> str | None:
    if scheme.pooling_id is None:
        return None
    return uow.session.get(Pooling, scheme.pooling_id).reference


def _members(uow: UnitOfWork, actor: Actor, pooling: Pooling) -> dict[str, Any]:
    members, budgets, covered = [], [], {}
    for scheme in pooling.members:
        workflow = uow.workflows.get(scheme.workflow_name, scheme.workflow_version)
        state = workflow.states[scheme.state]
        if not can_see(actor, state.visible_to, scheme.organisation_id):
            # A member reopened as a draft since: its reference stays, its content does not.
            members.append(Member(scheme.reference, "(non accessible)", "—", state.label, None))
            continue
        members.append(
            Member(
                scheme.reference,
                scheme.title,
                scheme.organisation.name,
                state.label,
                scheme.annual_budget,
            )
        )
        if scheme.annual_budget is not None:
            budgets.append(scheme.annual_budget)
        covered.update({t.cog: territory_label(t) for t in scheme.territories})
    return {
        "members": members,
        "total_budget": sum(budgets, Decimal(0)) if budgets else None,
        "budgets_missing": len(members) - len(budgets),
        "covered": [covered[c] for c in sorted(covered)],
    }

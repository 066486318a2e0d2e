"""The spec's rules table run through apply_transition on a real database.

Every (state, transition, relation) of both workflows is fired, outside a session (a click, an
API call: apply_transition) and in one (as a meeting's close applies it: apply_uncommitted with
InSession). A refusal must leave the record and the audit log as they were, so refusals share
one record per state; each allowed combination gets a fresh record, since it moves it.
"""

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, Pooling, Scheme
from engine.services.common import RecordRef
from engine.services.records import create_pooling
from engine.services.transitions import InSession, apply_transition, apply_uncommitted
from tests.factories import World
from tests.workflows.rules import RELATIONS_OF, SESSIONS, SPECS, outcome

INPUTS = {"comment": "Motif détaillé.", "decision_reference": "COPIL-2026-01/D03"}
SESSION = InSession("COPIL-2026-01", "COPIL-2026-01/D03")
# Relations of the rules table that are not among the world's users yet: key -> roles, own org.
EXTRA_USERS = {
    "cotech_submitter": (["owner", "cotech"], True),
    "copil_proposer": (["cotech", "copil"], False),
    "cotech_author": (["cotech"], False),
}
SCHEME_PATHS = {
    "draft": [],
    "recorded": [("submit", "cotech_submitter")],
    "changes_requested": [("submit", "cotech_submitter"), ("request_changes", "cotech")],
    "reviewed": [("submit", "cotech_submitter"), ("review", "cotech")],
    "proposed": [
        ("submit", "cotech_submitter"),
        ("review", "cotech"),
        ("propose", "copil_proposer"),
    ],
    "approved": [
        ("submit", "cotech_submitter"),
        ("review", "cotech"),
        ("propose", "copil_proposer"),
        ("approve", "meeting"),
    ],
    "rejected": [("submit", "cotech_submitter"), ("reject", "cotech")],
    "withdrawn": [("withdraw", "owner")],
}
POOLING_PATHS = {
    "recorded": [],
    "reviewed": [("review", "cotech")],
    "proposed": [("review", "cotech"), ("propose", "copil_proposer")],
    "approved": [("review", "cotech"), ("propose", "copil_proposer"), ("approve", "meeting")],
    "rejected": [("review", "cotech"), ("propose", "copil_proposer"), ("reject", "meeting")],
    "withdrawn": [("withdraw", "cotech")],
}


def inputs_for(kind: str, name: str, state: str) -> dict:
    spec = SPECS[kind]
    rule = spec.rule(name, state)
    rules = [rule] if rule else [r for r in spec.rules if r.name == name]
    return {need: INPUTS[need] for r in rules for need in r.needs}


@dataclass(frozen=True)
class Snapshot:
    state: str
    version: int
    events: int


class RulesWorld:
    """The world of the factories, with the users the rules table's relations need."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.db = world.db
        for key, (roles, own) in EXTRA_USERS.items():
            organisation = self.world.organisation_id if own else None
            self.world.actors[key] = self.world.add_user(key, roles, organisation)
        self._members: list[RecordRef] | None = None

    def drive(self, ref: RecordRef, path) -> RecordRef:
        """Take the record along `path`; the COPIL's decisions through a meeting ("meeting")."""
        for name, who in path:
            if who == "meeting":
                self.world.decide(ref, name, comment=INPUTS["comment"])
            else:
                self.world.fire(ref, name, who, inputs_for(ref.kind, name, self.state(ref)))
        return ref

    def scheme(self, state: str) -> RecordRef:
        return self.drive(self.world.scheme("draft"), SCHEME_PATHS[state])

    def pooling(self, state: str, fresh_members: bool) -> RecordRef:
        """A pooling created by cotech_author; members are shared unless it will be approved."""
        if fresh_members or self._members is None:
            members = [self.world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
            if not fresh_members:
                self._members = members
        members = members if fresh_members else self._members
        with UnitOfWork(self.db) as uow:
            pooling = create_pooling(
                uow,
                self.world.actors["cotech_author"],
                {
                    "title": "Mutualiser la médiation",
                    "rationale": "Deux dispositifs se recouvrent.",
                    "kind": "fusion",
                    "lead_organisation_id": self.world.organisation_id,
                    "scheme_ids": [m.id for m in members],
                },
            )
            ref = RecordRef("pooling", pooling.id)
        return self.drive(ref, POOLING_PATHS[state])

    def record(self, kind: str, state: str, approving: bool = False) -> RecordRef:
        if kind == "scheme":
            return self.scheme(state)
        return self.pooling(state, fresh_members=approving or state == "approved")

    def state(self, ref: RecordRef) -> str:
        return self.snapshot(ref).state

    def snapshot(self, ref: RecordRef) -> Snapshot:
        model = Scheme if ref.kind == "scheme" else Pooling
        with self.db.engine.connect() as conn:
            state, version = conn.execute(
                select(model.state, model.version).where(model.id == ref.id)
            ).one()
            events = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return Snapshot(state, version, events)

    def last_event(self) -> AuditEvent:
        with self.db.session() as session:
            return session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action != "link_pooling")
                .order_by(AuditEvent.position.desc())
                .limit(1)
            ).one()

    def attempt(self, ref: RecordRef, name: str, relation: str, in_session: bool = False) -> str:
        """Fire a transition; return "allowed" or what refused it, checking the log either way."""
        before = self.snapshot(ref)
        actor = self.world.actors[relation]
        inputs = inputs_for(ref.kind, name, before.state)
        try:
            with UnitOfWork(self.db) as uow:
                if in_session:
                    result = apply_uncommitted(uow, ref, name, actor, inputs, session=SESSION)
                    uow.commit()
                else:
                    result = apply_transition(uow, ref, name, actor, inputs)
        except NotFound:
            got = "not_found"
        except NotPermitted as exc:
            got = "+".join(exc.codes)
        except InvalidInput as exc:
            got = f"invalid_input {sorted(exc.errors)}"
        else:
            return self._check_moved(ref, name, actor, before, result, in_session)
        if self.snapshot(ref) != before:
            return f"{got}, but the record or the log changed"
        return got

    def _check_moved(self, ref, name, actor, before, result, in_session) -> str:
        rule = SPECS[ref.kind].rule(name, before.state)
        after = self.snapshot(ref)
        linked = 2 if (ref.kind, name) == ("pooling", "approve") else 0
        event = self.last_event()
        checks = {
            "state": (after.state, rule.dest),
            "version": (after.version, before.version + 1),
            "result": ((result.to_state, result.version), (rule.dest, after.version)),
            "events": (after.events, before.events + 1 + linked),
            "event": (
                (event.record_id, event.action, event.from_state, event.to_state, event.actor_id),
                (ref.id, name, before.state, rule.dest, actor.id),
            ),
            # In session, the event names the meeting and the decision it carries out.
            "session": (
                (event.data or {}).get("decision"),
                SESSION.decision if in_session else None,
            ),
        }
        wrong = [f"{k}: {got} != {want}" for k, (got, want) in checks.items() if got != want]
        return "allowed" if not wrong else "allowed, but " + "; ".join(wrong)


@pytest.mark.parametrize("where", list(SESSIONS))
@pytest.mark.parametrize("kind", list(SPECS))
def test_every_transition_and_relation_meets_the_spec_outcome(world, subtests, kind, where):
    rules = RulesWorld(world)
    spec, in_session = SPECS[kind], SESSIONS[where]
    for state in spec.states:
        with subtests.test(state=state):
            assert outcomes(rules, kind, state, in_session) == expected_outcomes(
                kind, state, in_session
            )


def expected_outcomes(kind: str, state: str, in_session: bool) -> dict[str, str]:
    spec = SPECS[kind]
    return {
        f"{name} by {relation}": outcome(spec, state, name, relation, in_session)
        for name in spec.names
        for relation in RELATIONS_OF[kind]
    }


def outcomes(rules: RulesWorld, kind: str, state: str, in_session: bool) -> dict[str, str]:
    """Fire every transition by every relation; refusals share one record, the rest get theirs."""
    spec = SPECS[kind]
    shared = rules.record(kind, state)
    actual = {}
    for name in spec.names:
        for relation in RELATIONS_OF[kind]:
            allowed = outcome(spec, state, name, relation, in_session) == "allowed"
            ref = rules.record(kind, state, approving=name == "approve") if allowed else shared
            actual[f"{name} by {relation}"] = rules.attempt(ref, name, relation, in_session)
    return actual


def test_outside_a_session_the_copil_is_told_in_french_it_decides_in_session(world):
    rules = RulesWorld(world)
    ref = rules.scheme("proposed")
    before = rules.snapshot(ref)
    with pytest.raises(NotPermitted) as caught, UnitOfWork(world.db) as uow:
        apply_transition(uow, ref, "approve", world.actors["copil"], INPUTS)
    assert caught.value.codes == ["meeting_required"]
    assert "« approuver » ne se fait qu'en séance" in caught.value.reasons[0].message
    assert rules.snapshot(ref) == before


@pytest.mark.parametrize("kind", list(SPECS))
def test_transitions_without_their_required_inputs_are_refused(world, subtests, kind):
    rules = RulesWorld(world)
    spec = SPECS[kind]
    for rule_ in (r for r in spec.rules if r.needs):
        state = sorted(rule_.sources)[0]
        relation = next(
            r for r in RELATIONS_OF[kind] if outcome(spec, state, rule_.name, r, True) == "allowed"
        )
        ref = rules.record(kind, state, approving=rule_.name == "approve")
        before = rules.snapshot(ref)
        actor = rules.world.actors[relation]
        with subtests.test(transition=rule_.name, state=state):
            with pytest.raises(InvalidInput) as caught, UnitOfWork(world.db) as uow:
                apply_uncommitted(uow, ref, rule_.name, actor, {}, session=SESSION)
            assert caught.value.errors == {
                need: ["Ce champ est obligatoire."] for need in rule_.needs
            }
            assert rules.snapshot(ref) == before

"""The spec's workflow tables, written out by hand, and the outcome each actor should meet.

This is the oracle of the rules tests: it is written from the domain spec (domain.md), never
read from the YAML files, so a file that drifts from the spec fails the tests.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One row of a spec table: a transition from some states, for some roles."""

    name: str
    sources: frozenset[str]
    dest: str
    roles: frozenset[str]
    guard: str | None = None  # the stamp the actor must not carry: submitter, proposer, author
    needs: tuple[str, ...] = ()  # required inputs
    meeting: bool = False  # a decision of the committee: only in session (closing a meeting)


def rule(name, sources, dest, roles, guard=None, needs=(), meeting=False) -> Rule:
    return Rule(name, frozenset(sources), dest, frozenset(roles), guard, tuple(needs), meeting)


@dataclass(frozen=True)
class Spec:
    kind: str
    states: tuple[str, ...]
    rules: tuple[Rule, ...]
    # States seen only by owners of the record's organisation and by admins.
    restricted: frozenset[str]
    # States that cannot be entered unless the required fields are filled.
    requiring: frozenset[str]
    # The fields a record with nothing filled (but its title) lacks to enter those states.
    missing_when_empty: frozenset[str]
    # Inputs that fill a required field (given with the transition, so never missing).
    provided_by_inputs: dict[str, frozenset[str]]
    # In which states each stamp is set, on the records the tests build.
    stamped: dict[str, frozenset[str]]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.rules))

    def leaving(self, state: str) -> dict[str, Rule]:
        return {r.name: r for r in self.rules if state in r.sources}

    def rule(self, name: str, state: str) -> Rule | None:
        return self.leaving(state).get(name)


SCHEME = Spec(
    kind="scheme",
    states=(
        "draft",
        "recorded",
        "changes_requested",
        "reviewed",
        "proposed",
        "approved",
        "rejected",
        "withdrawn",
    ),
    rules=(
        rule("submit", ["draft", "changes_requested"], "recorded", ["owner"]),
        rule(
            "request_changes",
            ["recorded", "reviewed"],
            "changes_requested",
            ["cotech"],
            needs=["comment"],
        ),
        rule("review", ["recorded"], "reviewed", ["cotech"], guard="submitter"),
        rule("propose", ["reviewed"], "proposed", ["cotech"]),
        rule(
            "approve",
            ["proposed"],
            "approved",
            ["copil"],
            guard="proposer",
            needs=["decision_reference"],
            meeting=True,
        ),
        rule("send_back", ["proposed"], "reviewed", ["copil"], needs=["comment"], meeting=True),
        rule("reject", ["recorded", "reviewed"], "rejected", ["cotech"], needs=["comment"]),
        rule("reject", ["proposed"], "rejected", ["copil"], needs=["comment"], meeting=True),
        rule("withdraw", ["draft", "recorded", "changes_requested"], "withdrawn", ["owner"]),
        rule("reopen", ["rejected", "withdrawn"], "draft", ["admin"], needs=["comment"]),
    ),
    restricted=frozenset({"draft"}),
    # Submission needs every S field; the states past it keep needing them.
    requiring=frozenset({"recorded", "reviewed", "proposed", "approved"}),
    missing_when_empty=frozenset(
        {
            "summary",
            "description",
            "themes",
            "publics",
            "aid_types",
            "territories",
            "start_date",
            "eligibility",
            "contact_email",
            "contact_phone",
        }
    ),
    provided_by_inputs={},
    stamped={
        "submitter": frozenset(
            {"recorded", "changes_requested", "reviewed", "proposed", "approved", "rejected"}
        ),
        "proposer": frozenset({"proposed", "approved"}),
        "author": frozenset(),
    },
)

POOLING = Spec(
    kind="pooling",
    states=("recorded", "reviewed", "proposed", "approved", "rejected", "withdrawn"),
    rules=(
        rule("review", ["recorded"], "reviewed", ["cotech"], guard="author"),
        rule("propose", ["reviewed"], "proposed", ["cotech"]),
        rule(
            "approve",
            ["proposed"],
            "approved",
            ["copil"],
            guard="proposer",
            needs=["decision_reference"],
            meeting=True,
        ),
        rule("send_back", ["proposed"], "recorded", ["copil"], needs=["comment"], meeting=True),
        rule("reject", ["proposed"], "rejected", ["copil"], needs=["comment"], meeting=True),
        rule("withdraw", ["recorded", "reviewed"], "withdrawn", ["cotech"], needs=["comment"]),
    ),
    restricted=frozenset(),
    # A pooling exists only with its fields and >= 2 eligible members; approval adds the decision.
    # A pooling sent back to "recorded" must come back even with a member no longer eligible,
    # so that the COTECH can fix its members: "recorded" requires nothing.
    requiring=frozenset({"reviewed", "proposed", "approved"}),
    missing_when_empty=frozenset({"rationale", "kind", "lead_organisation", "members"}),
    provided_by_inputs={"approve": frozenset({"decision_reference"})},
    stamped={
        "submitter": frozenset(),
        "proposer": frozenset({"proposed", "approved", "rejected"}),
        "author": frozenset(
            {"recorded", "reviewed", "proposed", "approved", "rejected", "withdrawn"}
        ),
    },
)

SPECS = {"scheme": SCHEME, "pooling": POOLING}


@dataclass(frozen=True)
class Relation:
    """How an actor stands to a record: roles, organisation, and what they did to it."""

    roles: frozenset[str]
    organisation: str | None = None  # "own": the record's organisation, "other": another one
    stamp: str | None = None  # submitter, proposer, author


RELATIONS = {
    "owner": Relation(frozenset({"owner"}), "own"),
    "other_owner": Relation(frozenset({"owner"}), "other"),
    "cotech": Relation(frozenset({"cotech"})),
    # A CTM technician who is both an owner and a COTECH member, and submitted the scheme.
    "cotech_submitter": Relation(frozenset({"owner", "cotech"}), "own", "submitter"),
    "copil": Relation(frozenset({"copil"})),
    # A member of both committees who proposed the record to the COPIL.
    "copil_proposer": Relation(frozenset({"cotech", "copil"}), None, "proposer"),
    "admin": Relation(frozenset({"admin"})),
    "cotech_author": Relation(frozenset({"cotech"}), None, "author"),
}
SCHEME_RELATIONS = [r for r in RELATIONS if r != "cotech_author"]
POOLING_RELATIONS = [r for r in RELATIONS if r != "cotech_submitter"]
RELATIONS_OF = {"scheme": SCHEME_RELATIONS, "pooling": POOLING_RELATIONS}


def holds(relation: Relation, role: str) -> bool:
    return role in relation.roles and (role != "owner" or relation.organisation == "own")


def visible(spec: Spec, state: str, relation: Relation) -> bool:
    return state not in spec.restricted or holds(relation, "owner") or "admin" in relation.roles


def refusal(
    spec: Spec, rule_: Rule, state: str, relation: Relation, in_session: bool = False
) -> str | None:
    """Return the reason code refusing `rule_` to the actor: a committee's decision outside a
    session first (whoever asks), then the role, then four eyes."""
    if rule_.meeting and not in_session:
        return "meeting_required"
    if not any(holds(relation, role) for role in rule_.roles):
        if "owner" in rule_.roles and "owner" in relation.roles:
            return "not_owner_organisation"
        return "role_required"
    if rule_.guard and relation.stamp == rule_.guard and state in spec.stamped[rule_.guard]:
        return "separation_of_duties"
    return None


def outcome(spec: Spec, state: str, name: str, relation_name: str, in_session: bool = False) -> str:
    """Return "allowed", "not_found", or the reason code of the refusal, outside a session (a
    click on the record's page, an API call) or in one (a meeting's close)."""
    relation = RELATIONS[relation_name]
    if not visible(spec, state, relation):
        return "not_found"
    here = spec.rule(name, state)
    reason = None
    # Out of its states, a transition is refused for its state only to someone who may fire it.
    for candidate in [here] if here else [r for r in spec.rules if r.name == name]:
        reason = refusal(spec, candidate, state, relation, in_session)
        if reason is None:
            break
    if reason:
        return reason
    return "allowed" if here else "wrong_state"


# Where a transition is asked for: a click or an API call, or the close of a meeting.
SESSIONS = {"outside": False, "in_session": True}


def combinations(kind: str):
    spec = SPECS[kind]
    for state in spec.states:
        for name in spec.names:
            for relation in RELATIONS_OF[kind]:
                yield state, name, relation

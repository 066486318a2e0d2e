"""State x transition x actor -> outcome, for both workflows, from the spec's tables (no DB)."""

from datetime import UTC, date, datetime

import pytest

from engine.errors import NotFound, NotPermitted
from engine.records.registry import RecordFacts
from engine.rules.policy import Actor
from engine.services.transitions import available_transitions
from tests.workflows.rules import RELATIONS, SESSIONS, SPECS, combinations, outcome

ORGANISATION, OTHER_ORGANISATION = 10, 11
IDS = {name: i for i, name in enumerate(RELATIONS, start=1)}

FILLED = {
    "scheme": {
        "title": "Médiation de rue",
        "summary": "Des médiateurs le soir",
        "description": "Une équipe va à la rencontre des jeunes.",
        "themes": 2,
        "publics": 1,
        "aid_types": 1,
        "territories": 3,
        "start_date": date(2024, 1, 15),
        "eligibility": "Jeunes de 12 à 25 ans.",
        "contact_email": "mediation@example.mq",
        "contact_phone": None,
    },
    "pooling": {
        "title": "Mutualiser la médiation",
        "rationale": "Deux dispositifs se recouvrent.",
        "kind": "fusion",
        "lead_organisation": ORGANISATION,
        "members": 2,
        "decision_reference": None,
    },
}
EMPTY = {
    "scheme": {"title": "Médiation de rue", "themes": 0, "publics": 0, "aid_types": 0},
    "pooling": {"title": "Mutualiser la médiation", "members": 0},
}


def actor(relation_name: str) -> Actor:
    relation = RELATIONS[relation_name]
    organisation = {"own": ORGANISATION, "other": OTHER_ORGANISATION, None: None}
    return Actor(
        IDS[relation_name],
        f"{relation_name}@example.mq",
        relation.roles,
        organisation[relation.organisation],
    )


def facts(kind: str, state: str, values: dict) -> RecordFacts:
    """The facts of a record as the tests' worlds build it: who created, submitted, proposed."""
    spec = SPECS[kind]
    author = "owner" if kind == "scheme" else "cotech_author"
    submitter = IDS["cotech_submitter"] if state in spec.stamped["submitter"] else None
    proposer = IDS["copil_proposer"] if state in spec.stamped["proposer"] else None
    return RecordFacts(
        kind=kind,
        id=1,
        reference="DSP-2026-0001" if kind == "scheme" else "MUT-2026-0001",
        state=state,
        version=3,
        workflow_name=kind,
        workflow_version=1,
        organisation_id=ORGANISATION,
        created_by_id=IDS[author],
        submitted_by_id=submitter,
        proposed_by_id=proposer,
        updated_by_id=None,
        updated_at=datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
        values=values,
    )


def options(kind: str, state: str, relation: str, values: dict, in_session: bool = False) -> dict:
    found = available_transitions(
        facts(kind, state, values), actor(relation), in_session=in_session
    )
    names = [o.name for o in found]
    assert len(names) == len(set(names)), "a transition is listed twice"
    return {o.name: o for o in found}


def _cases():
    for kind in SPECS:
        for state, name, relation in combinations(kind):
            for where, in_session in SESSIONS.items():
                yield pytest.param(
                    kind,
                    state,
                    name,
                    relation,
                    in_session,
                    id=f"{kind}-{state}-{name}-{relation}-{where}",
                )


CASES = list(_cases())
# The combinations where the transition leaves the state and the actor sees the record.
LISTED = [
    case
    for case in CASES
    if SPECS[case.values[0]].rule(case.values[2], case.values[1])
    and outcome(SPECS[case.values[0]], *case.values[1:]) != "not_found"
]
PARAMETERS = ("kind", "state", "name", "relation", "in_session")


@pytest.mark.parametrize(PARAMETERS, CASES)
def test_available_transitions_follow_the_spec(kind, state, name, relation, in_session):
    spec = SPECS[kind]
    expected = outcome(spec, state, name, relation, in_session)
    if expected == "not_found":
        with pytest.raises(NotFound):
            available_transitions(
                facts(kind, state, FILLED[kind]), actor(relation), in_session=in_session
            )
        return
    listed = options(kind, state, relation, FILLED[kind], in_session)
    rule = spec.rule(name, state)
    if rule is None:
        assert name not in listed
        return
    option = listed[name]
    assert option.to == rule.dest
    assert [r.code for r in option.reasons] == ([] if expected == "allowed" else [expected])
    assert option.allowed is (expected == "allowed")
    assert {i.name for i in option.inputs if i.required} == set(rule.needs)


@pytest.mark.parametrize(PARAMETERS, LISTED)
def test_empty_record_is_refused_each_transition_that_needs_its_fields(
    kind, state, name, relation, in_session
):
    spec = SPECS[kind]
    rule = spec.rule(name, state)
    expected = outcome(spec, state, name, relation, in_session)
    option = options(kind, state, relation, EMPTY[kind], in_session)[name]
    codes = [] if expected == "allowed" else [expected]
    missing = spec.missing_when_empty - spec.provided_by_inputs.get(name, frozenset())
    if rule.dest in spec.requiring and missing:
        codes.append("missing_fields")
        assert set(option.reasons[-1].fields) == missing
    assert [r.code for r in option.reasons] == codes
    assert option.allowed is not codes


def test_every_state_lists_exactly_the_transitions_of_the_spec():
    for kind, spec in SPECS.items():
        for state in spec.states:
            listed = options(kind, state, "admin", FILLED[kind])
            assert set(listed) == set(spec.leaving(state)), (kind, state)


def test_submitter_is_told_in_french_why_they_cannot_review():
    option = options("scheme", "recorded", "cotech_submitter", FILLED["scheme"])["review"]
    assert option.reasons[0].message == (
        "Vous avez soumis ce dispositif : un autre membre du COTECH doit l'examiner."
    )


def test_missing_fields_are_named_with_their_french_labels():
    option = options("scheme", "draft", "owner", EMPTY["scheme"])["submit"]
    message = option.reasons[0].message
    assert message.startswith("À compléter avant de « soumettre » : ")
    for label in ("résumé", "thématiques", "date de début", "courriel de contact ou téléphone"):
        assert label in message


@pytest.mark.parametrize("kind", list(SPECS))
def test_a_copil_member_is_told_in_french_that_the_committee_decides_in_session(kind):
    listed = options(kind, "proposed", "copil", FILLED[kind])
    for name, label in (("approve", "approuver"), ("send_back", "renvoyer au COTECH")):
        assert [r.code for r in listed[name].reasons] == ["meeting_required"]
        assert listed[name].reasons[0].message == (
            f"« {label} » ne se fait qu'en séance : la clôture de la séance applique les "
            "décisions inscrites à son ordre du jour."
        )
    in_session = options(kind, "proposed", "copil", FILLED[kind], in_session=True)
    assert in_session["approve"].allowed and in_session["send_back"].allowed


def test_options_carry_the_french_label_of_the_destination_state():
    listed = options("scheme", "proposed", "copil", FILLED["scheme"])
    assert listed["approve"].to_label == "approuvé par le COPIL"
    assert listed["send_back"].label == "renvoyer au COTECH"


def test_an_inactive_user_is_refused_before_anything_else():
    inactive = Actor(IDS["admin"], "admin@example.mq", frozenset({"admin"}), active=False)
    with pytest.raises(NotPermitted) as caught:
        available_transitions(facts("scheme", "rejected", FILLED["scheme"]), inactive)
    assert caught.value.codes == ["inactive_user"]

"""apply_transition on a real database: four eyes, inputs, requirements, versions, effects."""

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, Pooling, Scheme
from engine.rules.effects import EFFECTS
from engine.rules.policy import Actor
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.records import edit_record
from engine.services.transitions import (
    InSession,
    apply_transition,
    apply_uncommitted,
    available_transitions,
)
from tests.factories import World, in_session

SUBMITTER_MESSAGE = "Vous avez soumis ce dispositif : un autre membre du COTECH doit l'examiner."


# ---- helpers --------------------------------------------------------------------------------


# The COPIL's transitions are applied in session only, as a meeting's close applies them.
SESSION = in_session("COPIL-2026-01/D04")


def fire(world: World, ref, name, actor: Actor, inputs=None, expected_version=None, session=None):
    with UnitOfWork(world.db) as uow:
        if session is None:
            return apply_transition(uow, ref, name, actor, inputs or {}, expected_version)
        result = apply_uncommitted(uow, ref, name, actor, inputs or {}, expected_version, session)
        uow.commit()
        return result


def decide(world: World, ref, name, actor: Actor, inputs=None):
    """Apply a COPIL transition in session, as closing a meeting does."""
    return fire(world, ref, name, actor, inputs, session=SESSION)


def refused(
    exc_type,
    world: World,
    ref,
    name,
    actor: Actor,
    inputs=None,
    expected_version=None,
    session: InSession | None = None,
):
    """Fire a transition that must be refused; check it changed neither the record nor the log."""
    before = snapshot(world, ref)
    with pytest.raises(exc_type) as caught:
        fire(world, ref, name, actor, inputs, expected_version, session)
    assert snapshot(world, ref) == before
    return caught.value


def snapshot(world: World, ref: RecordRef) -> tuple:
    model = Scheme if ref.kind == "scheme" else Pooling
    with world.db.session() as session:
        row = session.execute(
            select(model.state, model.version, model.updated_at).where(model.id == ref.id)
        ).one()
        return (*row, event_count(session))


def event_count(session, **where) -> int:
    stmt = select(func.count()).select_from(AuditEvent).filter_by(**where)
    return session.scalar(stmt)


def events(world: World, ref: RecordRef, action: str | None = None) -> list[AuditEvent]:
    with world.db.session() as session:
        stmt = select(AuditEvent).where(
            AuditEvent.record_type == ref.kind, AuditEvent.record_id == ref.id
        )
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(session.scalars(stmt.order_by(AuditEvent.position)))


def load(world: World, ref: RecordRef):
    with world.db.session() as session:
        return session.get(Scheme if ref.kind == "scheme" else Pooling, ref.id)


def user(world: World, key: str, roles: list[str], own_organisation: bool = False) -> Actor:
    organisation = world.organisation_id if own_organisation else None
    world.actors[key] = world.add_user(key, roles, organisation)
    return world.actors[key]


# ---- separation of duties -------------------------------------------------------------------


def test_the_submitter_cannot_review_but_another_cotech_member_can(world):
    technician = user(world, "technician", ["owner", "cotech"], own_organisation=True)
    ref = world.scheme("draft")
    fire(world, ref, "submit", technician)
    error = refused(NotPermitted, world, ref, "review", technician)
    assert error.codes == ["separation_of_duties"]
    assert error.reasons[0].message == SUBMITTER_MESSAGE
    assert fire(world, ref, "review", world.actors["cotech"]).to_state == "reviewed"


def test_the_proposer_cannot_approve_a_scheme_but_another_copil_member_can(world):
    both = user(world, "both", ["cotech", "copil"])
    ref = world.scheme("reviewed")
    fire(world, ref, "propose", both)
    inputs = {"decision_reference": "COPIL-2026-01/D03"}
    error = refused(NotPermitted, world, ref, "approve", both, inputs, session=SESSION)
    assert error.codes == ["separation_of_duties"]
    assert "un autre membre du COPIL doit décider" in str(error)
    assert decide(world, ref, "approve", world.actors["copil"], inputs).to_state == "approved"


def test_the_proposer_cannot_approve_a_pooling(world):
    both = user(world, "both", ["cotech", "copil"])
    ref = world.pooling("reviewed")
    fire(world, ref, "propose", both)
    inputs = {"decision_reference": "COPIL-2026-01/D04"}
    error = refused(NotPermitted, world, ref, "approve", both, inputs, session=SESSION)
    assert error.codes == ["separation_of_duties"]
    assert "cette mutualisation" in str(error)
    approved = decide(world, ref, "approve", world.actors["copil"], inputs)
    assert approved.to_state == "approved"


@pytest.mark.parametrize(
    ("kind", "name", "inputs"),
    [
        ("scheme", "approve", {"decision_reference": "COPIL-2026-01/D04"}),
        ("scheme", "send_back", {"comment": "Précisez les publics."}),
        ("scheme", "reject", {"comment": "Hors champ."}),
        ("pooling", "approve", {"decision_reference": "COPIL-2026-01/D04"}),
        ("pooling", "send_back", {"comment": "Précisez les économies."}),
        ("pooling", "reject", {"comment": "Hors champ."}),
    ],
)
def test_no_copil_member_decides_alone_outside_a_session(world, kind, name, inputs):
    ref = world.scheme("proposed") if kind == "scheme" else world.pooling("proposed")
    for who in ("copil", "admin"):
        error = refused(NotPermitted, world, ref, name, world.actors[who], inputs)
        assert error.codes == ["meeting_required"]
        assert "ne se fait qu'en séance" in error.reasons[0].message
    assert decide(world, ref, name, world.actors["copil"], inputs).from_state == "proposed"


def test_the_pooling_author_cannot_review_it(world):
    ref = world.pooling("recorded", author="cotech")
    error = refused(NotPermitted, world, ref, "review", world.actors["cotech"])
    assert error.codes == ["separation_of_duties"]
    assert "quatre yeux" in str(error)
    assert fire(world, ref, "review", world.actors["cotech2"]).to_state == "reviewed"


def test_only_the_last_submitter_is_barred_from_reviewing(world):
    technician = user(world, "technician", ["owner", "cotech"], own_organisation=True)
    ref = world.scheme("draft")
    fire(world, ref, "submit", technician)
    fire(world, ref, "request_changes", world.actors["cotech"], {"comment": "Budget ?"})
    fire(world, ref, "submit", world.actors["owner"])
    # The last submitter is the one barred: the technician may now review the owner's submission.
    assert load(world, ref).submitted_by_id == world.actors["owner"].id
    assert fire(world, ref, "review", technician).to_state == "reviewed"


def test_stamps_record_who_submitted_and_who_proposed(world):
    ref = world.scheme("proposed")
    scheme = load(world, ref)
    assert scheme.submitted_by_id == world.actors["owner"].id
    assert scheme.proposed_by_id == world.actors["cotech"].id


# ---- inputs ---------------------------------------------------------------------------------


def test_request_changes_needs_a_comment(world, subtests):
    ref = world.scheme("recorded")
    for case, inputs in [("absent", {}), ("empty", {"comment": ""}), ("blank", {"comment": " "})]:
        with subtests.test(case):
            cotech = world.actors["cotech"]
            error = refused(InvalidInput, world, ref, "request_changes", cotech, inputs)
            assert error.errors == {"comment": ["Ce champ est obligatoire."]}


def test_approve_needs_a_decision_reference(world):
    ref = world.scheme("proposed")
    error = refused(InvalidInput, world, ref, "approve", world.actors["copil"], {}, session=SESSION)
    assert error.errors == {"decision_reference": ["Ce champ est obligatoire."]}


def test_unknown_input_is_refused_in_french(world):
    ref = world.scheme("recorded")
    inputs = {"comment": "À revoir", "priority": "haute"}
    error = refused(InvalidInput, world, ref, "request_changes", world.actors["cotech"], inputs)
    assert error.errors == {"priority": ["Champ inconnu."]}


def test_input_of_the_wrong_type_is_refused_in_french(world):
    ref = world.scheme("reviewed")
    inputs = {"target_date": "not a date"}
    error = refused(InvalidInput, world, ref, "propose", world.actors["cotech"], inputs)
    assert error.errors == {"target_date": ["Date invalide (format attendu : AAAA-MM-JJ)."]}


def test_too_long_comment_is_refused(world):
    ref = world.scheme("recorded")
    inputs = {"comment": "x" * 5001}
    error = refused(InvalidInput, world, ref, "request_changes", world.actors["cotech"], inputs)
    assert error.errors == {"comment": ["Entre 1 et 5000 caractères."]}


def test_inputs_mapped_to_fields_are_stored_and_logged(world):
    ref = world.scheme("reviewed")
    fire(world, ref, "propose", world.actors["cotech"], {"target_date": "2026-03-12"})
    decision = "COPIL-2026-01/D03"
    decide(world, ref, "approve", world.actors["copil"], {"decision_reference": f"  {decision} "})
    scheme = load(world, ref)
    assert scheme.copil_target_date == date(2026, 3, 12)
    assert scheme.decision_reference == decision
    propose, approve = events(world, ref, "propose")[0], events(world, ref, "approve")[0]
    assert propose.inputs == {"target_date": "2026-03-12"}
    assert approve.inputs == {"decision_reference": decision}


def test_pooling_decision_inputs_are_stored(world):
    ref = world.pooling("proposed")
    inputs = {
        "decision_reference": "COPIL-2026-01/D04",
        "decision_date": date(2026, 2, 3),
        "conditions": "Sous réserve d'un bilan à un an.",
    }
    decide(world, ref, "approve", world.actors["copil"], inputs)
    pooling = load(world, ref)
    assert (pooling.decision_reference, pooling.decision_date, pooling.decision_conditions) == (
        "COPIL-2026-01/D04",
        date(2026, 2, 3),
        "Sous réserve d'un bilan à un an.",
    )


def test_the_comment_goes_to_the_audit_event(world):
    ref = world.scheme("recorded")
    fire(world, ref, "request_changes", world.actors["cotech"], {"comment": "Précisez le public."})
    (event,) = events(world, ref, "request_changes")
    assert (event.comment, event.inputs) == ("Précisez le public.", None)
    assert (event.from_state, event.to_state) == ("recorded", "changes_requested")
    assert event.actor_label == "cotech@example.mq"


def test_unknown_transition_is_refused(world):
    ref = world.scheme("recorded")
    error = refused(InvalidInput, world, ref, "publish", world.actors["admin"])
    assert error.errors == {"transition": ["Action inconnue : « publish »."]}


def test_transition_from_the_wrong_state_is_refused(world):
    ref = world.scheme("recorded")
    error = refused(NotPermitted, world, ref, "submit", world.actors["owner"])
    assert error.codes == ["wrong_state"]
    assert (
        str(error) == "Action « soumettre » impossible : ce dispositif est à l'état « enregistré »."
    )


# ---- requirements ---------------------------------------------------------------------------


def test_submitting_an_incomplete_draft_names_the_missing_fields(world):
    ref = world.scheme("draft", complete=False, summary="Un résumé", contact_phone="0596123456")
    error = refused(InvalidInput, world, ref, "submit", world.actors["owner"])
    assert set(error.errors) == {
        "description",
        "themes",
        "publics",
        "aid_types",
        "territories",
        "start_date",
        "eligibility",
    }
    assert error.errors["themes"] == ["À renseigner avant de « soumettre » : thématiques."]
    assert error.message.startswith("À compléter avant de « soumettre » : description, ")


def test_available_transitions_lists_missing_fields_with_french_labels(world):
    ref = world.scheme("draft", complete=False)
    with UnitOfWork(world.db) as uow:
        options = available_transitions(uow.session.get(Scheme, ref.id), world.actors["owner"])
    by_name = {o.name: o for o in options}
    assert set(by_name) == {"submit", "withdraw"}
    assert by_name["withdraw"].allowed
    (reason,) = by_name["submit"].reasons
    assert reason.code == "missing_fields"
    assert "contact_email" in reason.fields and "contact_phone" in reason.fields
    for label in ("résumé", "nature de l'aide", "territoire couvert", "critères d'éligibilité"):
        assert label in reason.message
    assert "courriel de contact ou téléphone de contact" in reason.message


def test_a_phone_number_is_enough_to_be_reached(world):
    data = {"contact_email": None, "contact_phone": "0596 12 34 56"}
    ref = world.scheme("draft", **data)
    assert fire(world, ref, "submit", world.actors["owner"]).to_state == "recorded"


def test_a_field_cleared_by_the_cotech_blocks_the_review(world):
    ref = world.scheme("recorded")
    with UnitOfWork(world.db) as uow:
        edit_record(uow, ref, {"eligibility": ""}, world.actors["cotech"])
    error = refused(InvalidInput, world, ref, "review", world.actors["cotech2"])
    assert list(error.errors) == ["eligibility"]


# ---- versions -------------------------------------------------------------------------------


def test_stale_expected_version_is_a_conflict_naming_who_changed_it(world):
    ref = world.scheme("draft")
    seen = load(world, ref).version
    with UnitOfWork(world.db) as uow:
        edit_record(uow, ref, {"capacity": 40}, world.actors["owner2"])
    error = refused(Conflict, world, ref, "submit", world.actors["owner"], expected_version=seen)
    assert error.current_version == seen + 1
    assert error.changed_by == "owner2@example.mq"
    assert error.changed_at is not None and error.changed_at.utcoffset() is not None
    assert "owner2@example.mq" in error.message


def test_the_same_transition_twice_with_one_version_is_applied_once(world):
    ref = world.scheme("recorded")
    version = load(world, ref).version
    result = fire(world, ref, "review", world.actors["cotech"], expected_version=version)
    assert result.version == version + 1
    error = refused(
        Conflict, world, ref, "review", world.actors["cotech2"], expected_version=version
    )
    assert error.current_version == version + 1
    assert error.changed_by == "cotech@example.mq"
    assert len(events(world, ref, "review")) == 1


def test_each_transition_bumps_the_version_and_writes_one_event(world):
    ref = world.scheme("draft")
    before = load(world, ref).version
    with world.db.session() as session:
        count = event_count(session)
    result = fire(world, ref, "submit", world.actors["owner"])
    with world.db.session() as session:
        assert event_count(session) == count + 1
    assert (result.version, load(world, ref).version) == (before + 1, before + 1)
    assert len(result.positions) == 1


# ---- pooling approval -----------------------------------------------------------------------


def test_approving_a_pooling_links_every_member_in_the_same_transaction(world):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2, 3)]
    versions = {m.id: load(world, m).version for m in members}
    ref = world.pooling("proposed", members=members)
    result = decide(
        world, ref, "approve", world.actors["copil"], {"decision_reference": SESSION.decision}
    )
    pooling = load(world, ref)
    for member in members:
        scheme = load(world, member)
        assert scheme.pooling_id == ref.id
        assert scheme.version == versions[member.id] + 1
        assert scheme.state == "reviewed"
        (link,) = events(world, member, "link_pooling")
        assert link.changes == {"pooling": {"before": None, "after": pooling.reference}}
        assert link.actor_id == world.actors["copil"].id
    (approve,) = events(world, ref, "approve")
    assert len(result.positions) == 4
    assert result.positions == tuple(range(approve.position, approve.position + 4))


def test_a_failing_effect_rolls_the_approval_back(world, monkeypatch):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    ref = world.pooling("proposed", members=members)
    link_members = EFFECTS["link_members"]

    def link_then_fail(ctx):
        link_members(ctx)
        raise RuntimeError("panne au milieu de l'effet")

    monkeypatch.setitem(EFFECTS, "link_members", link_then_fail)
    member_before = [snapshot(world, m) for m in members]
    copil = world.actors["copil"]
    refused(
        RuntimeError,
        world,
        ref,
        "approve",
        copil,
        {"decision_reference": SESSION.decision},
        session=SESSION,
    )
    assert [snapshot(world, m) for m in members] == member_before
    assert all(load(world, m).pooling_id is None for m in members)


def test_approval_is_refused_once_a_member_is_no_longer_reviewed(world):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    ref = world.pooling("proposed", members=members)
    fire(world, members[0], "request_changes", world.actors["cotech"], {"comment": "Chiffres ?"})
    copil = world.actors["copil"]
    inputs = {"decision_reference": SESSION.decision}
    error = refused(InvalidInput, world, ref, "approve", copil, inputs, session=SESSION)
    assert list(error.errors) == ["members"]
    assert "au moins deux dispositifs membres" in error.message
    with UnitOfWork(world.db) as uow:
        pooling = uow.session.get(Pooling, ref.id)
        options = {o.name: o for o in available_transitions(pooling, copil, in_session=True)}
    assert [r.code for r in options["approve"].reasons] == ["missing_fields"]
    assert options["reject"].allowed
    assert load(world, members[1]).pooling_id is None


def test_approval_is_refused_when_a_member_was_rejected(world):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    ref = world.pooling("proposed", members=members)
    fire(world, members[1], "reject", world.actors["cotech"], {"comment": "Hors champ."})
    copil = world.actors["copil"]
    inputs = {"decision_reference": SESSION.decision}
    error = refused(InvalidInput, world, ref, "approve", copil, inputs, session=SESSION)
    assert list(error.errors) == ["members"]


def test_a_scheme_joins_at_most_one_approved_pooling(world):
    members = [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
    first = world.pooling("proposed", members=members)
    second = world.pooling("proposed", members=members)
    world.decide(first)
    copil = world.actors["copil"]
    inputs = {"decision_reference": "COPIL-2026-01/D05"}
    error = refused(InvalidInput, world, second, "approve", copil, inputs, session=SESSION)
    assert list(error.errors) == ["members"]
    assert all(load(world, m).pooling_id == first.id for m in members)


def test_members_already_proposed_or_approved_stay_eligible(world):
    members = [world.scheme("proposed", title="Membre 1"), world.scheme("approved", title="M2")]
    ref = world.pooling("proposed", members=members)
    world.decide(ref)
    assert {load(world, m).pooling_id for m in members} == {ref.id}


# ---- reopen, visibility, inactive users ------------------------------------------------------


def test_an_admin_reopens_a_closed_scheme_as_a_draft(world, subtests):
    for state in ("rejected", "withdrawn"):
        with subtests.test(state=state):
            ref = world.scheme(state)
            fire(world, ref, "reopen", world.actors["admin"], {"comment": "Rejet par erreur."})
            assert load(world, ref).state == "draft"
            (event,) = events(world, ref, "reopen")
            assert (event.from_state, event.to_state) == (state, "draft")
            assert event.comment == "Rejet par erreur."
            # A draft again: hidden from the committees, and its owner can submit it anew.
            refused(NotFound, world, ref, "review", world.actors["cotech"])
            assert fire(world, ref, "submit", world.actors["owner"]).to_state == "recorded"


def test_reopen_needs_a_comment(world):
    ref = world.scheme("rejected")
    error = refused(InvalidInput, world, ref, "reopen", world.actors["admin"])
    assert error.errors == {"comment": ["Ce champ est obligatoire."]}


def test_drafts_do_not_exist_for_committees_and_other_organisations(world, subtests):
    ref = world.scheme("draft")
    for who in ("cotech", "copil", "other_owner"):
        actor = world.actors[who]
        with subtests.test(who=who):
            refused(NotFound, world, ref, "submit", actor)
            refused(NotFound, world, ref, "withdraw", actor)
            with UnitOfWork(world.db) as uow, pytest.raises(NotFound):
                available_transitions(uow.session.get(Scheme, ref.id), actor)
            with UnitOfWork(world.db) as uow, pytest.raises(NotFound):
                add_comment(uow, ref, actor, "Bonjour")


def test_drafts_are_seen_by_their_organisation_owners_and_admins(world, subtests):
    ref = world.scheme("draft")
    for who in ("owner2", "admin"):
        with subtests.test(who=who), UnitOfWork(world.db) as uow:
            options = available_transitions(uow.session.get(Scheme, ref.id), world.actors[who])
            assert {o.name for o in options} == {"submit", "withdraw"}


def test_a_missing_record_is_not_found(world):
    missing = RecordRef("scheme", 999_999)
    with pytest.raises(NotFound), UnitOfWork(world.db) as uow:
        apply_transition(uow, missing, "submit", world.actors["owner"])


def test_a_deactivated_user_is_refused(world):
    ref = world.scheme("recorded")
    cotech = world.actors["cotech"]
    inactive = Actor(cotech.id, cotech.label, cotech.roles, cotech.organisation_id, active=False)
    error = refused(NotPermitted, world, ref, "review", inactive)
    assert error.codes == ["inactive_user"]
    assert str(error) == "Votre compte est désactivé."


def test_services_accept_the_pooling_object_itself(world):
    """A pooling's own `kind` column (fusion…) must not be mistaken for its record type."""
    ref = world.pooling("recorded")
    with UnitOfWork(world.db) as uow:
        pooling = uow.session.get(Pooling, ref.id)
        assert {o.name for o in available_transitions(pooling, world.actors["cotech2"])} == {
            "review",
            "withdraw",
        }
    pooling = load(world, ref)
    assert fire(world, pooling, "review", world.actors["cotech2"]).to_state == "reviewed"
    with UnitOfWork(world.db) as uow:
        add_comment(uow, pooling, world.actors["copil"], "Vu.")
    assert len(events(world, ref, "comment")) == 1

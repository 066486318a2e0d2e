"""Creating and editing schemes and poolings, comments, users and organisations, on a database."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, Comment, Organisation, Pooling, Scheme, User
from engine.rules.policy import SYSTEM, Actor
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.records import create_pooling, create_scheme, edit_record
from engine.services.users import add_organisation, add_user
from tests.factories import PASSWORD, World

# ---- helpers --------------------------------------------------------------------------------


def at(instant: datetime):
    return lambda: instant


def new_scheme(world: World, who: str = "owner", clock=None, **data) -> Scheme:
    data = {"title": "Médiation", "organisation_id": world.organisation_id, **data}
    with UnitOfWork(world.db, **({"clock": clock} if clock else {})) as uow:
        return create_scheme(uow, world.actors[who], data)


def edit(world: World, ref, data: dict, who: str = "owner", expected_version=None):
    with UnitOfWork(world.db) as uow:
        return edit_record(uow, ref, data, world.actors[who], expected_version)


def pooling_data(world: World, members, **overrides) -> dict:
    return {
        "title": "Mutualiser la médiation",
        "rationale": "Deux dispositifs se recouvrent.",
        "kind": "fusion",
        "lead_organisation_id": world.organisation_id,
        "scheme_ids": [m.id for m in members],
        **overrides,
    }


def new_pooling(world: World, members, who: str = "cotech", **overrides) -> Pooling:
    with UnitOfWork(world.db) as uow:
        return create_pooling(uow, world.actors[who], pooling_data(world, members, **overrides))


def load(world: World, ref) -> Scheme | Pooling:
    with world.db.session() as session:
        record = session.get(Scheme if ref.kind == "scheme" else Pooling, ref.id)
        # Touch the collections the tests read, while the session is open.
        for name in ("themes", "territories", "funders", "members"):
            getattr(record, name, None)
        return record


def events(world: World, **where) -> list[AuditEvent]:
    with world.db.session() as session:
        stmt = select(AuditEvent).filter_by(**where).order_by(AuditEvent.position)
        return list(session.scalars(stmt))


def count(world: World, model) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


@contextmanager
def unchanged(world: World, ref) -> Iterator[None]:
    """Check that what runs inside moves neither the record's version nor the audit log."""
    before = (load(world, ref).version, count(world, AuditEvent))
    yield
    assert (load(world, ref).version, count(world, AuditEvent)) == before


# ---- create_scheme --------------------------------------------------------------------------


def test_references_follow_the_format_and_increase(world):
    clock = at(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    references = [new_scheme(world, clock=clock).reference for _ in range(3)]
    assert references == ["DSP-2026-0001", "DSP-2026-0002", "DSP-2026-0003"]


def test_the_year_of_a_reference_is_the_year_in_martinique(world):
    # 02:00 UTC on 1 January is still 31 December, 22:00, in Fort-de-France.
    new_year_eve = new_scheme(world, clock=at(datetime(2026, 1, 1, 2, 0, tzinfo=UTC)))
    new_year = new_scheme(world, clock=at(datetime(2026, 1, 1, 5, 0, tzinfo=UTC)))
    assert (new_year_eve.reference, new_year.reference) == ("DSP-2025-0001", "DSP-2026-0001")


def test_a_reference_is_never_given_twice(world):
    first = new_scheme(world)
    with pytest.raises(InvalidInput):
        new_scheme(world, themes=["astrologie"])
    withdrawn = world.scheme("withdrawn")
    world.fire(withdrawn, "reopen", "admin", {"comment": "Retrait par erreur."})
    later = new_scheme(world)
    references = [first.reference, load(world, withdrawn).reference, later.reference]
    assert len(set(references)) == 3
    assert all(re.fullmatch(r"DSP-\d{4}-\d{4}", r) for r in references)
    assert references == sorted(references)


def test_a_draft_needs_only_a_title_and_an_organisation(world):
    scheme = new_scheme(world)
    assert (scheme.state, scheme.title, scheme.organisation_id) == (
        "draft",
        "Médiation",
        world.organisation_id,
    )
    (event,) = events(world, record_type="scheme", record_id=scheme.id)
    assert (event.action, event.to_state, event.actor_id) == (
        "create",
        "draft",
        world.actors["owner"].id,
    )
    assert event.changes["title"] == {"before": None, "after": "Médiation"}


def test_a_draft_without_title_or_organisation_is_refused(world):
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as caught:
        create_scheme(uow, world.actors["owner"], {"summary": "Sans titre"})
    assert caught.value.errors == {
        "title": ["Ce champ est obligatoire."],
        "organisation_id": ["Ce champ est obligatoire."],
    }
    assert count(world, Scheme) == 0


def test_only_owners_of_the_organisation_create_its_schemes(world, subtests):
    events_before = count(world, AuditEvent)
    for who, code in [("other_owner", "not_owner_organisation"), ("cotech", "role_required")]:
        with subtests.test(who=who), pytest.raises(NotPermitted) as caught:
            new_scheme(world, who=who)
        assert caught.value.codes == [code]
    assert (count(world, Scheme), count(world, AuditEvent)) == (0, events_before)


def test_an_admin_may_create_a_scheme_for_an_organisation(world):
    assert new_scheme(world, who="admin").state == "draft"


def test_a_scheme_of_an_unknown_organisation_is_refused_in_french(world):
    with pytest.raises(InvalidInput) as caught:
        new_scheme(world, who="admin", organisation_id=999_999)
    assert caught.value.errors == {"organisation_id": ["Structure inconnue."]}
    assert count(world, Scheme) == 0


def test_a_deactivated_owner_cannot_create_a_scheme(world):
    owner = world.actors["owner"]
    inactive = Actor(owner.id, owner.label, owner.roles, owner.organisation_id, active=False)
    with pytest.raises(NotPermitted) as caught, UnitOfWork(world.db) as uow:
        create_scheme(
            uow, inactive, {"title": "Médiation", "organisation_id": owner.organisation_id}
        )
    assert caught.value.codes == ["inactive_user"]
    assert count(world, Scheme) == 0


# ---- edit_record ----------------------------------------------------------------------------


def test_an_edit_records_each_changed_field_in_one_event(world):
    ref = world.scheme("draft")
    version = load(world, ref).version
    edit(world, ref, {"capacity": 40, "themes": ["insertion"], "summary": "Médiation de rue"})
    (event,) = events(world, record_type="scheme", record_id=ref.id, action="edit")[-1:]
    assert event.changes == {
        "capacity": {"before": None, "after": 40},
        "themes": {
            "before": ["prevention_delinquance_jeunes", "mediation_tranquillite"],
            "after": ["insertion"],
        },
        "summary": {
            "before": "Médiateurs de rue auprès des jeunes le soir",
            "after": "Médiation de rue",
        },
    }
    assert event.actor_id == world.actors["owner"].id
    assert load(world, ref).version == version + 1


def test_an_edit_that_changes_nothing_writes_nothing(world):
    ref = world.scheme("draft")
    with unchanged(world, ref):
        edit(world, ref, {"summary": "  Médiateurs de rue auprès des jeunes le soir "})
        edit(world, ref, {"themes": ["prevention_delinquance_jeunes", "mediation_tranquillite"]})


def test_an_edit_on_a_stale_version_is_a_conflict(world):
    ref = world.scheme("draft")
    seen = load(world, ref).version
    edit(world, ref, {"capacity": 40}, who="owner2")
    with unchanged(world, ref), pytest.raises(Conflict) as caught:
        edit(world, ref, {"capacity": 50}, expected_version=seen)
    assert caught.value.changed_by == "owner2@example.mq"
    assert load(world, ref).capacity == 40


EDIT_OUTCOMES = {
    # state: (owner, cotech, copil)
    "draft": ("ok", "not_found", "not_found"),
    "changes_requested": ("ok", "role_required", "role_required"),
    "recorded": ("role_required", "ok", "role_required"),
    "reviewed": ("role_required", "ok", "role_required"),
    "proposed": ("not_editable", "not_editable", "not_editable"),
    "approved": ("final_state", "final_state", "final_state"),
    "rejected": ("final_state", "final_state", "final_state"),
    "withdrawn": ("final_state", "final_state", "final_state"),
}


def test_who_may_edit_a_scheme_depends_on_its_state(world, subtests):
    for state, outcomes in EDIT_OUTCOMES.items():
        ref = world.scheme(state)
        for who, expected in zip(("owner", "cotech", "copil"), outcomes, strict=True):
            with subtests.test(state=state, who=who):
                assert edit_outcome(world, ref, who) == expected


def edit_outcome(world: World, ref, who: str) -> str:
    """Edit the capacity; return "ok" once checked in the record and the log, or the refusal."""
    capacity = 10 + len(who)
    version, logged = load(world, ref).version, count(world, AuditEvent)
    try:
        edit(world, ref, {"capacity": capacity}, who=who)
    except NotFound:
        refusal = "not_found"
    except NotPermitted as exc:
        refusal = "+".join(exc.codes)
    else:
        (event,) = events(world, record_type="scheme", record_id=ref.id, action="edit")[-1:]
        written = (load(world, ref).capacity, load(world, ref).version, count(world, AuditEvent))
        if written != (capacity, version + 1, logged + 1) or event.actor_id != world.actors[who].id:
            return f"edited wrongly: {written}"
        return "ok"
    if (load(world, ref).version, count(world, AuditEvent)) != (version, logged):
        return f"{refusal}, but something was written"
    return refusal


def test_a_final_scheme_is_read_only_in_french(world):
    ref = world.scheme("approved")
    with pytest.raises(NotPermitted) as caught:
        edit(world, ref, {"capacity": 3}, who="cotech")
    assert str(caught.value) == (
        "Impossible de modifier ce dispositif : son état « approuvé par le COPIL » est définitif."
    )


def test_an_owner_is_told_who_edits_a_recorded_scheme(world):
    ref = world.scheme("recorded")
    with pytest.raises(NotPermitted) as caught:
        edit(world, ref, {"capacity": 3})
    assert str(caught.value) == (
        "À l'état « enregistré », la modification est réservée aux membres du COTECH."
    )


def test_an_owner_of_another_organisation_cannot_edit(world):
    ref = world.scheme("changes_requested")
    with unchanged(world, ref), pytest.raises(NotPermitted) as caught:
        edit(world, ref, {"capacity": 3}, who="other_owner")
    assert caught.value.codes == ["not_owner_organisation"]


INVALID_EDITS = [
    ("bad email", {"contact_email": "mediation.example.mq"}, "contact_email"),
    ("bad phone", {"contact_phone": "12 34"}, "contact_phone"),
    ("ages reversed", {"age_min": 18, "age_max": 12}, "age_max"),
    ("end before start", {"end_date": date(2023, 12, 31)}, "end_date"),
    (
        "funders over budget",
        {
            "annual_budget": "1000",
            "funders": [{"name": "CAF", "amount": "600"}, {"name": "CTM", "amount": "400.01"}],
        },
        "funders",
    ),
    ("three decimals", {"annual_budget": "12.345"}, "annual_budget"),
    ("unknown theme", {"themes": ["insertion", "astrologie"]}, "themes"),
    ("unknown territory", {"territories": ["COM-97209", "COM-75056"]}, "territories"),
    ("string for int", {"capacity": "40"}, "capacity"),
    ("bool for int", {"capacity": True}, "capacity"),
    ("unknown field", {"budget": 100}, "budget"),
    ("funder without name", {"funders": [{"amount": "10"}]}, "funders.0"),
]
MESSAGES = {
    "contact_email": "Adresse électronique invalide.",
    "contact_phone": "Numéro de téléphone invalide (ex. 0596 12 34 56 ou +596 696 12 34 56).",
    "age_max": "L'âge maximum doit être supérieur ou égal à l'âge minimum.",
    "end_date": "La date de fin doit suivre la date de début.",
    "funders": "La somme des financements dépasse le budget annuel du dispositif.",
    "annual_budget": "Au plus deux décimales (les centimes).",
    "themes": "Code(s) inconnu(s) : astrologie.",
    "territories": "Territoire(s) inconnu(s) : COM-75056.",
    "capacity": "Nombre entier attendu.",
    "budget": "Champ inconnu.",
    "funders.0": "Indiquez une structure ou un nom.",
}


def test_invalid_values_are_refused_in_french_and_nothing_is_written(world, subtests):
    ref = world.scheme("draft")
    before = load(world, ref)
    for case, data, field in INVALID_EDITS:
        with subtests.test(case), unchanged(world, ref), pytest.raises(InvalidInput) as caught:
            edit(world, ref, {"summary": "Nouveau résumé", **data})
        assert caught.value.errors == {field: [MESSAGES[field]]}, case
    after = load(world, ref)
    assert after.summary == before.summary
    assert [t.code for t in after.themes] == [t.code for t in before.themes]
    assert after.funders == []


def test_consistency_is_checked_against_the_stored_values(world):
    ref = world.scheme("draft", age_min=16, annual_budget="500")
    with unchanged(world, ref), pytest.raises(InvalidInput) as caught:
        edit(world, ref, {"age_max": 15})
    assert list(caught.value.errors) == ["age_max"]
    with unchanged(world, ref), pytest.raises(InvalidInput) as caught:
        edit(world, ref, {"funders": [{"name": "CAF", "amount": "500.01"}]})
    assert list(caught.value.errors) == ["funders"]


def test_phone_numbers_are_stored_in_national_form(world):
    ref = world.scheme("draft")
    edit(world, ref, {"contact_phone": "+596 596 12 34 56"})
    assert load(world, ref).contact_phone == "0596 12 34 56"
    (event,) = events(world, record_type="scheme", record_id=ref.id, action="edit")[-1:]
    assert event.changes["contact_phone"] == {"before": None, "after": "0596 12 34 56"}


def test_money_is_kept_exact(world):
    ref = world.scheme("draft")
    funders = [{"name": "CAF", "amount": "0.10"}, {"name": "CTM", "amount": 0.2}]
    # 0.1 + 0.2 exceeds 0.3 in floating point; in euros and cents it does not.
    edit(world, ref, {"annual_budget": "0.30", "funders": funders})
    scheme = load(world, ref)
    assert scheme.annual_budget == Decimal("0.30")
    assert [f.amount for f in scheme.funders] == [Decimal("0.10"), Decimal("0.20")]
    edit(world, ref, {"annual_budget": "987654321.99"})
    assert load(world, ref).annual_budget == Decimal("987654321.99")
    (event,) = events(world, record_type="scheme", record_id=ref.id, action="edit")[-1:]
    assert event.changes["annual_budget"] == {"before": "0.30", "after": "987654321.99"}


# ---- create_pooling -------------------------------------------------------------------------


def reviewed_pair(world: World) -> list[RecordRef]:
    return [world.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]


def test_only_the_cotech_creates_poolings(world, subtests):
    members = reviewed_pair(world)
    for who in ("owner", "copil", "admin"):
        with subtests.test(who=who), pytest.raises(NotPermitted) as caught:
            new_pooling(world, members, who=who)
        assert caught.value.codes == ["role_required"]
    assert count(world, Pooling) == 0


def test_a_pooling_of_reviewed_schemes_is_recorded_and_audited(world):
    members = reviewed_pair(world)
    pooling = new_pooling(world, members)
    assert re.fullmatch(r"MUT-\d{4}-0001", pooling.reference)
    assert pooling.state == "recorded"
    (event,) = events(world, record_type="pooling", record_id=pooling.id)
    assert (event.action, event.to_state) == ("create", "recorded")
    assert event.changes["scheme_ids"] == {"before": [], "after": [m.id for m in members]}


def test_proposed_and_approved_schemes_may_be_pooled(world):
    members = [world.scheme("proposed", title="Membre 1"), world.scheme("approved", title="M2")]
    assert new_pooling(world, members).state == "recorded"


def test_a_draft_member_is_refused_as_if_it_did_not_exist(world):
    draft, reviewed = world.scheme("draft"), world.scheme("reviewed")
    with pytest.raises(InvalidInput) as caught:
        new_pooling(world, [draft, reviewed])
    assert caught.value.errors == {
        "scheme_ids": [f"Dispositifs non éligibles : dispositif n°{draft.id} introuvable."]
    }
    assert count(world, Pooling) == 0


def test_a_member_not_reviewed_is_refused(world, subtests):
    reviewed = world.scheme("reviewed")
    for state in ("recorded", "changes_requested", "rejected", "withdrawn"):
        other = world.scheme(state)
        with subtests.test(state=state), pytest.raises(InvalidInput) as caught:
            new_pooling(world, [other, reviewed])
        (message,) = caught.value.errors["scheme_ids"]
        assert message.startswith("Dispositifs non éligibles : ")
        assert load(world, other).reference in message
    assert count(world, Pooling) == 0


def test_a_single_member_is_refused(world, subtests):
    member = world.scheme("reviewed")
    for members in ([member], [member, member]):
        with subtests.test(members=len(members)), pytest.raises(InvalidInput) as caught:
            new_pooling(world, members)
        assert caught.value.errors == {"scheme_ids": ["Choisissez au moins deux dispositifs."]}


def test_a_member_of_an_approved_pooling_is_refused(world):
    members = reviewed_pair(world)
    world.pooling("approved", members=members)
    with pytest.raises(InvalidInput) as caught:
        new_pooling(world, [members[0], world.scheme("reviewed")])
    assert "appartient déjà à une mutualisation approuvée" in caught.value.errors["scheme_ids"][0]


def test_pooling_territories_default_to_the_union_of_the_members(world):
    members = [
        world.scheme("reviewed", title="A", territories=["COM-97209", "COM-97213"]),
        world.scheme("reviewed", title="B", territories=["COM-97213", "COM-97224"]),
    ]
    pooling = new_pooling(world, members)
    assert [t.cog for t in load(world, RecordRef("pooling", pooling.id)).territories] == [
        "COM-97209",
        "COM-97213",
        "COM-97224",
    ]


def test_given_pooling_territories_are_kept(world):
    pooling = new_pooling(world, reviewed_pair(world), territories=["DEP-972"])
    assert [t.cog for t in load(world, RecordRef("pooling", pooling.id)).territories] == ["DEP-972"]


def test_a_pooling_of_an_unknown_lead_organisation_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        new_pooling(world, reviewed_pair(world), lead_organisation_id=999_999)
    assert list(caught.value.errors) == ["lead_organisation_id"]


# ---- comments -------------------------------------------------------------------------------


def comment(world: World, ref, who: str, body):
    with UnitOfWork(world.db) as uow:
        return add_comment(uow, ref, world.actors[who], body)


def test_a_comment_is_stored_and_audited(world):
    ref = world.scheme("recorded")
    version = load(world, ref).version
    posted = comment(world, ref, "copil", "  Quel est le coût par bénéficiaire ?  ")
    (event,) = events(world, record_type="scheme", record_id=ref.id, action="comment")
    assert event.comment == "Quel est le coût par bénéficiaire ?"
    assert event.data == {"comment_id": posted.id}
    assert event.actor_id == world.actors["copil"].id
    assert load(world, ref).version == version


def test_a_comment_on_an_invisible_draft_is_not_found(world):
    ref = world.scheme("draft")
    with unchanged(world, ref), pytest.raises(NotFound):
        comment(world, ref, "cotech", "Bonjour")
    assert count(world, Comment) == 0


def test_an_empty_or_too_long_comment_is_refused(world, subtests):
    ref = world.scheme("recorded")
    for case, body in [("empty", ""), ("blank", "   "), ("none", None), ("long", "x" * 5001)]:
        with subtests.test(case), unchanged(world, ref), pytest.raises(InvalidInput) as caught:
            comment(world, ref, "cotech", body)
        assert list(caught.value.errors) == ["body"]
    assert count(world, Comment) == 0


def test_an_inactive_user_cannot_comment(world):
    ref = world.scheme("recorded")
    copil = world.actors["copil"]
    with pytest.raises(NotPermitted) as caught, UnitOfWork(world.db) as uow:
        add_comment(uow, ref, Actor(copil.id, copil.label, copil.roles, active=False), "Vu")
    assert caught.value.codes == ["inactive_user"]


# ---- users and organisations ----------------------------------------------------------------


def organisation(world: World, name: str, siren: str | None, who: Actor = SYSTEM):
    with UnitOfWork(world.db) as uow:
        return add_organisation(uow, who, name, "commune", siren=siren)


def test_an_organisation_with_a_valid_siren_is_recorded_and_audited(world):
    created = organisation(world, "Collectivité Territoriale de Martinique", "200055507")
    (event,) = events(world, record_type="organisation", record_id=created.id)
    assert event.action == "organisation_create"
    assert event.changes["siren"] == {"before": None, "after": "200055507"}


def test_an_invalid_siren_is_refused(world, subtests):
    before = count(world, Organisation)
    for siren, message in [
        ("219722098", "Numéro SIREN invalide."),
        ("21972209", "9 chiffres attendus."),
        ("21972209A", "9 chiffres attendus."),
    ]:
        with subtests.test(siren=siren), pytest.raises(InvalidInput) as caught:
            organisation(world, "Ville du Lamentin", siren)
        assert caught.value.errors == {"siren": [message]}
    assert count(world, Organisation) == before


def test_a_siren_already_recorded_is_refused(world):
    # The world's first organisation holds 219722097 (Fort-de-France, a valid SIREN).
    with pytest.raises(InvalidInput) as caught:
        organisation(world, "Autre nom", "219722097")
    assert caught.value.errors == {
        "name": ["Cette structure existe déjà (même nom ou même SIREN)."]
    }


def test_an_organisation_name_is_unique_whatever_its_case(world):
    with pytest.raises(InvalidInput) as caught:
        organisation(world, "VILLE DE FORT-DE-FRANCE", None)
    assert list(caught.value.errors) == ["name"]


def test_only_admins_add_organisations(world):
    with pytest.raises(NotPermitted):
        organisation(world, "Ville du Lamentin", None, who=world.actors["cotech"])
    assert organisation(world, "Ville du Lamentin", None, who=world.actors["admin"]).id


def new_user(world: World, email: str, roles=("cotech",), who: Actor = SYSTEM, **kw):
    with UnitOfWork(world.db) as uow:
        return add_user(
            uow,
            who,
            email,
            "Nouvel Utilisateur",
            list(roles),
            kw.get("password", PASSWORD),
            kw.get("organisation_id"),
        )


def test_a_user_is_recorded_and_audited_without_the_password(world):
    created = new_user(world, "  Nouveau@Example.MQ ", who=world.actors["admin"])
    assert created.email == "nouveau@example.mq"
    (event,) = events(world, record_type="user", record_id=created.id)
    assert event.changes["roles"] == {"before": [], "after": ["cotech"]}
    assert PASSWORD not in str(event.changes) and created.password_hash not in str(event.changes)


def test_a_duplicate_email_is_refused_whatever_its_case(world):
    before = count(world, User)
    with pytest.raises(InvalidInput) as caught:
        new_user(world, "COTECH@example.mq")
    assert caught.value.errors == {"email": ["Un compte existe déjà avec cette adresse."]}
    assert count(world, User) == before


INVALID_USERS = [
    ("email", "pas-une-adresse", ["cotech"], {}, "email"),
    ("unknown role", "a@example.mq", ["chef"], {}, "roles"),
    ("no role", "a@example.mq", [], {}, "roles"),
    ("owner without organisation", "a@example.mq", ["owner"], {}, "organisation"),
    ("short password", "a@example.mq", ["cotech"], {"password": "court"}, "password"),
]


def test_an_invalid_user_is_refused(world, subtests):
    before = count(world, User)
    for case, email, roles, kw, field in INVALID_USERS:
        with subtests.test(case), pytest.raises(InvalidInput) as caught:
            new_user(world, email, roles, **kw)
        assert list(caught.value.errors) == [field]
    assert count(world, User) == before


def test_only_admins_add_users(world):
    with pytest.raises(NotPermitted):
        new_user(world, "a@example.mq", who=world.actors["copil"])


def test_a_deactivated_admin_cannot_add_users_or_organisations(world):
    admin = world.actors["admin"]
    inactive = Actor(admin.id, admin.label, admin.roles, active=False)
    users, organisations = count(world, User), count(world, Organisation)
    with pytest.raises(NotPermitted) as caught:
        new_user(world, "a@example.mq", ["admin"], who=inactive)
    assert caught.value.codes == ["inactive_user"]
    with pytest.raises(NotPermitted) as caught:
        organisation(world, "Ville du Lamentin", None, who=inactive)
    assert caught.value.codes == ["inactive_user"]
    assert (count(world, User), count(world, Organisation)) == (users, organisations)

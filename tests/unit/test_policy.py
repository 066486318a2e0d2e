"""Who may do what, without a database: roles per record, visibility, four eyes."""

import pytest

from engine.rules.policy import SYSTEM, Actor, can_see, guard_reasons, role_reason
from engine.services.users import siren_problem

ORGANISATION, OTHER = 10, 11
DRAFT_VISIBILITY = frozenset({"owner", "admin"})


def actor(*roles: str, organisation: int | None = None, active: bool = True, id: int = 1) -> Actor:
    return Actor(id, "someone@example.mq", frozenset(roles), organisation, active)


class TestHolds:
    def test_owner_role_holds_only_for_the_actor_organisation(self):
        owner = actor("owner", organisation=ORGANISATION)
        assert owner.holds("owner", ORGANISATION)
        assert not owner.holds("owner", OTHER)
        assert not owner.holds("owner", None)

    def test_owner_without_organisation_holds_it_for_no_record(self):
        assert not actor("owner").holds("owner", None)

    def test_committee_roles_hold_for_every_organisation(self):
        member = actor("cotech", "copil")
        assert member.holds("cotech", ORGANISATION)
        assert member.holds("copil", OTHER)
        assert member.holds("cotech", None)

    def test_a_role_not_held_is_not_held_anywhere(self):
        assert not actor("cotech").holds("copil", ORGANISATION)
        assert not actor("admin").holds("owner", ORGANISATION)

    def test_the_system_actor_holds_no_role(self):
        assert not any(SYSTEM.holds(role, None) for role in ("owner", "cotech", "copil", "admin"))

    def test_actor_of_a_user_carries_its_roles_and_organisation(self):
        class User:
            id, email, roles, organisation_id, active = 7, "a@example.mq", {"owner"}, 3, False

        assert Actor.of(User()) == Actor(7, "a@example.mq", frozenset({"owner"}), 3, False)


class TestCanSee:
    def test_records_visible_to_all_are_seen_by_any_active_user(self):
        assert can_see(actor("copil"), None, ORGANISATION)
        assert can_see(actor("owner", organisation=OTHER), None, ORGANISATION)

    @pytest.mark.parametrize(
        ("who", "sees"),
        [
            (actor("owner", organisation=ORGANISATION), True),
            (actor("admin"), True),
            (actor("owner", organisation=OTHER), False),
            (actor("cotech"), False),
            (actor("copil"), False),
            (actor("cotech", "owner", organisation=ORGANISATION), True),
        ],
        ids=["owner", "admin", "other_owner", "cotech", "copil", "cotech_owner"],
    )
    def test_drafts_are_seen_by_their_organisation_owners_and_admins(self, who, sees):
        assert can_see(who, DRAFT_VISIBILITY, ORGANISATION) is sees

    def test_an_inactive_user_sees_nothing(self):
        assert not can_see(actor("admin", active=False), None, ORGANISATION)


class TestReasons:
    def test_no_reason_when_a_role_is_held(self):
        assert role_reason(frozenset({"cotech"}), actor("cotech"), ORGANISATION) is None

    def test_missing_role_names_the_group_in_french(self):
        reason = role_reason(frozenset({"copil"}), actor("cotech"), ORGANISATION)
        assert (reason.code, reason.message) == (
            "role_required",
            "Action réservée aux membres du COPIL.",
        )

    def test_owner_of_another_organisation_is_told_so(self):
        reason = role_reason(frozenset({"owner"}), actor("owner", organisation=OTHER), ORGANISATION)
        assert reason.code == "not_owner_organisation"

    def test_guard_refuses_the_actor_stamped_on_the_record(self):
        stamps = {"submitted_by_id": 1, "proposed_by_id": None, "created_by_id": 2}
        (reason,) = guard_reasons(("not_submitter",), "scheme", stamps, actor("cotech", id=1))
        assert reason.code == "separation_of_duties"
        assert reason.message == (
            "Vous avez soumis ce dispositif : un autre membre du COTECH doit l'examiner."
        )
        assert guard_reasons(("not_submitter",), "scheme", stamps, actor("cotech", id=3)) == []

    def test_pooling_author_is_reminded_of_the_four_eyes_principle(self):
        stamps = {"created_by_id": 5}
        (reason,) = guard_reasons(("not_author",), "pooling", stamps, actor("cotech", id=5))
        assert "quatre yeux" in reason.message

    def test_an_unstamped_record_and_the_system_pass_every_guard(self):
        stamps = {"submitted_by_id": None, "proposed_by_id": None, "created_by_id": None}
        guards = ("not_submitter", "not_proposer", "not_author")
        assert guard_reasons(guards, "scheme", stamps, SYSTEM) == []
        assert guard_reasons(guards, "scheme", stamps, actor("cotech", id=1)) == []


class TestSiren:
    @pytest.mark.parametrize("siren", ["219722097", "200055507", "249720061", "200041788"])
    def test_valid_sirens_pass_the_luhn_check(self, siren):
        assert siren_problem(siren) is None

    @pytest.mark.parametrize(
        ("number", "problem"),
        [
            ("219722098", "Numéro SIREN invalide."),
            ("2197220", "9 chiffres attendus."),
            ("21972209 ", "9 chiffres attendus."),
        ],
    )
    def test_invalid_sirens_are_named(self, number, problem):
        assert siren_problem(number) == problem

    def test_siret_is_checked_on_fourteen_digits(self):
        assert siren_problem("21972209700017", 14) is None
        assert siren_problem("21972209700018", 14) == "Numéro SIRET invalide."

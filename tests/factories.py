"""Test data built through the engine's own services, so every record has a real audit trail."""

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.records.reference import load_reference
from engine.rules.policy import SYSTEM, Actor
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.records import create_pooling, create_scheme, edit_record
from engine.services.transitions import InSession, apply_transition, apply_uncommitted
from engine.services.users import add_organisation, add_user

PASSWORD = "mot de passe de test 2026"

COMPLETE_SCHEME = {
    "summary": "Médiateurs de rue auprès des jeunes le soir",
    "description": "Une équipe de médiateurs va à la rencontre des jeunes dans les quartiers.",
    "themes": ["mediation_tranquillite", "prevention_delinquance_jeunes"],
    "publics": ["adolescents", "jeunes_adultes"],
    "aid_types": ["mediation", "accompagnement"],
    "territories": ["COM-97209", "COM-97213"],
    "start_date": date(2024, 1, 15),
    "eligibility": "Jeunes de 12 à 25 ans résidant sur le territoire.",
    "contact_email": "mediation@example.mq",
}

# How to bring a complete draft to each state, as (transition, actor role key, inputs); the
# COPIL's decisions are taken in session, by a meeting (World.decide), hence "meeting".
PATHS = {
    "draft": [],
    "recorded": [("submit", "owner", {})],
    "changes_requested": [
        ("submit", "owner", {}),
        ("request_changes", "cotech", {"comment": "Précisez le budget."}),
    ],
    "reviewed": [("submit", "owner", {}), ("review", "cotech2", {})],
    "proposed": [("submit", "owner", {}), ("review", "cotech2", {}), ("propose", "cotech", {})],
    "approved": [
        ("submit", "owner", {}),
        ("review", "cotech2", {}),
        ("propose", "cotech", {}),
        ("approve", "meeting", {}),
    ],
    "rejected": [("submit", "owner", {}), ("reject", "cotech", {"comment": "Hors champ."})],
    "withdrawn": [("withdraw", "owner", {})],
}


def in_session(decision: str = "COPIL-2026-01/D01") -> InSession:
    """What a meeting's close hands apply_uncommitted for one decision: for the engine tests
    of a COPIL transition's own rules (guards, inputs, effects), without a whole meeting."""
    return InSession(decision.split("/")[0], decision)


# The instant every test starts at, whatever the machine's date and timezone: a Thursday
# afternoon in Martinique. MAILLAGE_TEST_NOW (ISO 8601 with an offset, e.g.
# 2028-02-29T12:00:00-04:00) moves it, to prove that no test depends on the day it runs.
TEST_START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
START_VARIABLE = "MAILLAGE_TEST_NOW"


def clock_start() -> datetime:
    """The instant the test clock starts at: MAILLAGE_TEST_NOW if set, else TEST_START."""
    text = os.environ.get(START_VARIABLE, "").strip()
    if not text:
        return TEST_START
    start = datetime.fromisoformat(text)
    if start.tzinfo is None:
        raise ValueError(f"{START_VARIABLE}={text}: give an offset, e.g. -04:00 or Z")
    return start.astimezone(UTC)


class Clock:
    """A clock the test moves by hand: `clock.advance(minutes=31)`. Frozen otherwise."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or clock_start()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    """A database with reference data, two organisations and one user per role."""

    db: Database
    organisation_id: int = 0
    other_organisation_id: int = 0
    actors: dict[str, Actor] = field(default_factory=dict)

    @classmethod
    def build(cls, db: Database) -> "World":
        world = cls(db)
        with UnitOfWork(db) as uow:
            load_reference(uow.session)
            uow.commit()
        with UnitOfWork(db) as uow:
            world.organisation_id = add_organisation(
                uow, SYSTEM, "Ville de Fort-de-France", "commune", siren="219722097"
            ).id
        with UnitOfWork(db) as uow:
            world.other_organisation_id = add_organisation(
                uow, SYSTEM, "Association Horizon Jeunesse", "association"
            ).id
        for key, roles, org in [
            ("owner", ["owner"], world.organisation_id),
            ("owner2", ["owner"], world.organisation_id),
            ("other_owner", ["owner"], world.other_organisation_id),
            ("cotech", ["cotech"], None),
            ("cotech2", ["cotech"], None),
            ("copil", ["copil"], None),
            ("copil2", ["copil"], None),
            ("admin", ["admin"], None),
        ]:
            world.actors[key] = world.add_user(key, roles, org)
        return world

    def add_user(self, key: str, roles: list[str], organisation_id: int | None) -> Actor:
        with UnitOfWork(self.db) as uow:
            user = add_user(
                uow, SYSTEM, f"{key}@example.mq", key.title(), roles, PASSWORD, organisation_id
            )
            return Actor.of(user)

    def scheme(
        self, state: str = "draft", *, complete: bool = True, title: str = "Médiation", **fields
    ) -> RecordRef:
        """Create a scheme of the main organisation and drive it to `state` through the engine."""
        owner = self.actors["owner"]
        with UnitOfWork(self.db) as uow:
            ref = RecordRef(
                "scheme",
                create_scheme(
                    uow, owner, {"title": title, "organisation_id": self.organisation_id}
                ).id,
            )
        data = {**(COMPLETE_SCHEME if complete else {}), **fields}
        if data:
            with UnitOfWork(self.db) as uow:
                edit_record(uow, ref, data, owner)
        for name, who, inputs in PATHS[state]:
            if who == "meeting":
                self.decide(ref, name, **inputs)
            else:
                self.fire(ref, name, who, inputs)
        return ref

    def pooling(
        self,
        state: str = "recorded",
        members: list[RecordRef] | None = None,
        author: str = "cotech",
    ) -> RecordRef:
        """Create a pooling of reviewed schemes and drive it to `state`."""
        members = members or [self.scheme("reviewed", title=f"Membre {i}") for i in (1, 2)]
        with UnitOfWork(self.db) as uow:
            ref = RecordRef(
                "pooling",
                create_pooling(
                    uow,
                    self.actors[author],
                    {
                        "title": "Mutualiser la médiation",
                        "rationale": "Deux dispositifs se recouvrent.",
                        "kind": "fusion",
                        "lead_organisation_id": self.organisation_id,
                        "scheme_ids": [m.id for m in members],
                    },
                ).id,
            )
        steps = {
            "recorded": [],
            "reviewed": ["review"],
            "proposed": ["review", "propose"],
            "approved": ["review", "propose", "approve"],
        }[state]
        for name in steps:
            if name == "approve":
                self.decide(ref, "approve")
            else:
                self.fire(ref, name, "cotech2")
        return ref

    def fire(
        self,
        ref: RecordRef,
        name: str,
        who: str,
        inputs: dict | None = None,
        expected_version: int | None = None,
        session: InSession | None = None,
    ):
        """Apply one transition as `who`; with `session`, as a meeting's close applies it."""
        with UnitOfWork(self.db) as uow:
            if session is None:
                return apply_transition(
                    uow, ref, name, self.actors[who], inputs or {}, expected_version
                )
            result = apply_uncommitted(
                uow, ref, name, self.actors[who], inputs or {}, expected_version, session
            )
            uow.commit()
            return result

    def secretary(self) -> Actor:
        """The meetings' secretary: the test's own if it made one, else one made once here."""
        if "secretary" in self.actors:
            return self.actors["secretary"]
        if "secretariat" not in self.actors:
            self.actors["secretariat"] = self.add_user("secretariat", ["secretary"], None)
        return self.actors["secretariat"]

    def decide(self, ref: RecordRef, outcome: str = "approve", **options) -> str:
        """Decide one proposed record through a whole COPIL meeting; return the decision number.

        `options` go to record_decision: comment (send back, reject), conditions, votes.
        """
        return self.hold_meeting([(ref, outcome, options)]).numbers[0]

    def hold_meeting(
        self,
        decisions: list[tuple[RecordRef, str, dict]],
        members: tuple[str, ...] = ("copil", "copil2"),
    ) -> "Held":
        """Plan a COPIL meeting with these records on its agenda, convene it, seat every member,
        record each decision (record, outcome, record_decision options) and close it."""
        secretary = self.secretary()
        member_ids = [self.actors[key].id for key in members]
        with UnitOfWork(self.db) as uow:
            meeting = plan_meeting(
                uow,
                secretary,
                committee="copil",
                title="Séance du COPIL",
                starts_at=uow.clock(),
                secretary_id=secretary.id,
                member_ids=member_ids,
                place="Hôtel de la CTM, Fort-de-France",
            )
            meeting_id, reference = meeting.id, meeting.reference
        items = []
        for ref, _, _ in decisions:
            with UnitOfWork(self.db) as uow:
                items.append(add_item(uow, secretary, meeting_id, ref).id)
        with UnitOfWork(self.db) as uow:
            apply_transition(uow, RecordRef("meeting", meeting_id), "convene", secretary)
        for user_id in member_ids:
            with UnitOfWork(self.db) as uow:
                set_attendance(uow, secretary, meeting_id, user_id, "present")
        numbers = []
        for item_id, (_, outcome, options) in zip(items, decisions, strict=True):
            with UnitOfWork(self.db) as uow:
                decided = record_decision(uow, secretary, item_id, outcome, **options)
                numbers.append(decided.decision_number)
        with UnitOfWork(self.db) as uow:
            close_meeting(uow, secretary, meeting_id)
        return Held(meeting_id, reference, numbers)


@dataclass(frozen=True)
class Held:
    """A COPIL meeting held by World.hold_meeting: its id, number and decisions' numbers."""

    meeting_id: int
    reference: str
    numbers: list[str]


def add_experts(world: World) -> World:
    """Add a Police nationale (a State service, the expert of opinions) with two of its people,
    a coordinator and a secretary; `world.police_id` is the service's id."""
    with UnitOfWork(world.db) as uow:
        world.police_id = add_organisation(uow, SYSTEM, "Police nationale", "state").id
    for key, role, organisation in (
        ("police", "owner", world.police_id),
        ("police2", "owner", world.police_id),
        ("coordinator", "coordinator", None),
        ("secretary", "secretary", None),
    ):
        if key not in world.actors:
            world.actors[key] = world.add_user(key, [role], organisation)
    return world

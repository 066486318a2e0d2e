"""Test data built through the engine's own services, so every record has a real audit trail."""

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.records.reference import load_reference
from engine.rules.policy import SYSTEM, Actor
from engine.services.common import RecordRef
from engine.services.records import create_pooling, create_scheme, edit_record
from engine.services.transitions import apply_transition
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

# How to bring a complete draft to each state, as (transition, actor role key, inputs).
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
        ("approve", "copil", {"decision_reference": "COPIL du 09/12/2025, décision n°3"}),
    ],
    "rejected": [("submit", "owner", {}), ("reject", "cotech", {"comment": "Hors champ."})],
    "withdrawn": [("withdraw", "owner", {})],
}


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
            who = {"review": "cotech2", "propose": "cotech2", "approve": "copil"}[name]
            inputs = {"decision_reference": "COPIL n°4"} if name == "approve" else {}
            self.fire(ref, name, who, inputs)
        return ref

    def fire(
        self,
        ref: RecordRef,
        name: str,
        who: str,
        inputs: dict | None = None,
        expected_version: int | None = None,
    ):
        with UnitOfWork(self.db) as uow:
            return apply_transition(
                uow, ref, name, self.actors[who], inputs or {}, expected_version
            )

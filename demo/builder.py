"""Demonstration data built through the engine's own services, so its audit trail is a real one.

The catalogue (demo/catalogue.yaml) says what exists; this module plays the story of each record
on a deterministic clock that walks through 2025 and 2026 in Martinique working hours: the
organisations enter their schemes, the COTECH examines them, the COPIL decides in session
(demo/meetings.py), and in 2026 the COTECH proposes to pool some of them. The COPIL's next
meeting is planned at the end, with what is proposed on its agenda.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

from sqlalchemy import func, select

from demo.catalogue import DEMO_PASSWORD, Catalogue, DemoPooling, DemoScheme, load_catalogue
from demo.diagnostic import load_diagnostic
from demo.meetings import SITS_AT, Committee, Decision
from demo.objectives import play_objectives
from engine.candidates.store import recompute
from engine.clock import MARTINIQUE, local
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import Pooling, Scheme
from engine.notifications.dispatch import move_cursor_to_head
from engine.rules.policy import SYSTEM, Actor
from engine.services.comments import add_comment
from engine.services.committee_notes import add_note
from engine.services.common import RecordRef
from engine.services.opinions import OpinionRequest, answer_opinion, request_opinion
from engine.services.records import create_pooling, create_scheme, edit_record
from engine.services.transitions import apply_transition
from engine.services.users import add_organisation, add_user

__all__ = ["DEMO_PASSWORD", "DemoClock", "DemoReport", "build_demo", "demo_accounts"]

START = date(2025, 1, 6)
# Each round of the schemes' stories opens on a meeting day; its actions follow in the next days.
SCHEME_ROUNDS = (
    date(2025, 1, 13),
    date(2025, 2, 3),
    date(2025, 3, 10),
    date(2025, 4, 15),
    date(2025, 5, 20),
    date(2025, 6, 24),
    date(2025, 9, 16),
    date(2025, 11, 18),
    date(2026, 1, 20),
)
POOLING_ROUNDS = (
    date(2026, 3, 10),
    date(2026, 4, 14),
    date(2026, 5, 19),
    date(2026, 6, 23),
    date(2026, 9, 15),
    date(2026, 10, 13),
)
# Public holidays in Martinique (22 May: abolition of slavery; 21 July: Victor Schœlcher day;
# 2 November: day of the dead), then Easter Monday, Ascension, Whit Monday and carnival days.
_FIXED_HOLIDAYS = (
    (1, 1), (5, 1), (5, 8), (5, 22), (7, 14), (7, 21), (8, 15), (11, 1), (11, 2), (11, 11),
    (12, 25),
)  # fmt: skip
_MOVABLE_HOLIDAYS = (
    date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5), date(2025, 4, 21), date(2025, 5, 29),
    date(2025, 6, 9), date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 4, 6),
    date(2026, 5, 14), date(2026, 5, 25),
)  # fmt: skip
HOLIDAYS = frozenset(
    [date(year, month, day) for year in (2025, 2026) for month, day in _FIXED_HOLIDAYS]
    + list(_MOVABLE_HOLIDAYS)
)

CREATED_WITH = ("summary",)
COTECH = ("cotech1", "cotech2", "ctm")
POOLING_CONDITIONS = "Bilan présenté au COPIL six mois après la mise en œuvre."


class DemoClock:
    """Deterministic instants in Martinique working hours, each a few minutes after the last."""

    def __init__(self, start: date = START, seed: int = 972) -> None:
        self._now = datetime.combine(start, time(8, 0), MARTINIQUE)
        self._random = random.Random(seed)
        # Minutes between two actions, at least and at most.
        self.pace = (4, 50)

    def __call__(self) -> datetime:
        step = timedelta(minutes=self._random.randint(*self.pace))
        self._now = _working_time(self._now + step)
        return self._now.astimezone(UTC)

    def jump_to(self, day: date, at: time = time(8, 0)) -> None:
        """Move on to 8 a.m. (or `at`) on `day`, unless that is already past."""
        self._now = max(self._now, datetime.combine(day, at, MARTINIQUE))


def _working_time(instant: datetime) -> datetime:
    while instant.time() > time(17, 0) or _day_off(instant.date()):
        next_day = instant.date() + timedelta(days=1)
        instant = datetime.combine(next_day, time(7, 30), MARTINIQUE) + timedelta(
            minutes=(instant.minute * 7) % 40
        )
    return instant


def _day_off(day: date) -> bool:
    return day.weekday() >= 5 or day in HOLIDAYS


@dataclass
class DemoReport:
    created: bool
    schemes: dict[str, int]
    poolings: dict[str, int]


def build_demo(database: Database, clock: DemoClock | None = None) -> DemoReport:
    """Fill an initialised database with the demonstration data, unless it holds schemes."""
    created = not _has_schemes(database)
    if created:
        _Builder(database, clock or DemoClock()).run()
    with database.session() as session:
        return DemoReport(created, _states(session, Scheme), _states(session, Pooling))


def demo_accounts() -> list[tuple[str, list[str], str]]:
    """List the demonstration accounts: email, roles, organisation name."""
    catalogue = load_catalogue()
    names = {o.key: o.name for o in catalogue.organisations}
    return [(a.email, list(a.roles), names.get(a.organisation, "")) for a in catalogue.accounts]


def _has_schemes(database: Database) -> bool:
    with database.session() as session:
        return session.scalar(select(Scheme.id).limit(1)) is not None


def _states(session, model) -> dict[str, int]:
    rows = session.execute(select(model.state, func.count()).group_by(model.state))
    return dict(sorted(rows.tuples()))


@dataclass
class _Progress:
    key: str
    spec: DemoScheme
    steps: tuple[tuple[str, str], ...]
    ref: RecordRef | None = None
    submitted_by: str | None = None


@dataclass
class _Builder:
    database: Database
    clock: DemoClock
    catalogue: Catalogue = field(default_factory=load_catalogue)
    organisations: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    schemes: dict[str, _Progress] = field(default_factory=dict)
    turns: Iterator[int] = field(default_factory=count)
    round_day: date = START

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database, clock=self.clock)

    def run(self) -> None:
        self.set_up()
        # Forty organisations' entries, answers and reviews spread over the weeks of each round.
        self.clock.pace = (20, 200)
        self.committee = Committee(self.uow, self.actors)
        self.play_schemes()
        self.play_poolings()
        play_objectives(self.uow, self.actors, self.organisations)
        self.committee.plan_next()
        self.play_opinions()
        load_diagnostic(self.uow, self.actors[self.cotech_key()])
        self.forget_history()

    def cotech_key(self) -> str:
        return next(key for key, actor in self.actors.items() if "cotech" in actor.roles)

    def forget_history(self) -> None:
        """Start the notifications' cursor at the audit log's head: the demo's invented past is
        not news, and a first `maillage worker` must not mail it."""
        with self.uow() as uow:
            move_cursor_to_head(uow.begin_write())
            uow.commit()
        # The COTECH's pistes de mutualisation, computed once from the demo's schemes.
        recompute(self.database, self.clock, everything=True)

    def set_up(self) -> None:
        """The administrator is created by the system, then records organisations and users."""
        admin, *others = self.catalogue.accounts
        self.actors["admin"] = self.add_account(SYSTEM, admin)
        for org in self.catalogue.organisations:
            with self.uow() as uow:
                created = add_organisation(
                    uow, self.actors["admin"], org.name, org.kind, siren=org.siren
                )
            self.organisations[org.key] = created.id
        for account in others:
            self.actors[account.key] = self.add_account(self.actors["admin"], account)

    def add_account(self, actor: Actor, account) -> Actor:
        organisation_id = self.organisations.get(account.organisation)
        with self.uow() as uow:
            user = add_user(
                uow,
                actor,
                account.email,
                account.name,
                list(account.roles),
                DEMO_PASSWORD,
                organisation_id,
            )
        return Actor.of(user)

    # Opinions and the committees' notes

    def play_opinions(self) -> None:
        """Ask the catalogue's opinions, answer those it answers, then let two days pass: the
        one unanswered is overdue. Then the committees' private notes."""
        day = local(self.clock()).date()
        for spec in self.catalogue.opinions:
            person = self.actors[spec["person"]].id if spec.get("person") else None
            wanted = OpinionRequest(
                self.organisations[spec["expert"]],
                spec["question"],
                day + timedelta(days=spec["days"]),
                person,
            )
            ref = self.schemes[spec["scheme"]].ref
            with self.uow() as uow:
                opinion = request_opinion(uow, ref, self.actors[spec["by"]], wanted)
            if spec.get("answer"):
                verdict, text = spec["answer"]
                with self.uow() as uow:
                    answer_opinion(uow, opinion.id, self.actors[spec["expert"]], verdict, text)
        for key, author, body in self.catalogue.committee_notes:
            with self.uow() as uow:
                add_note(uow, self.schemes[key].ref, self.actors[author], body)
        self.clock.jump_to(day + timedelta(days=3))

    # Schemes

    def play_schemes(self) -> None:
        for key, spec in self.catalogue.schemes.items():
            steps = (("create", "owner"), ("fill", "owner"), *self.catalogue.stories[spec.story])
            self.schemes[key] = _Progress(key, spec, steps)
        if any(len(p.steps) > len(SCHEME_ROUNDS) for p in self.schemes.values()):
            raise RuntimeError("a demo story is longer than the rounds that play it")
        for index, day in enumerate(SCHEME_ROUNDS):
            due = [p for p in self.schemes.values() if index < len(p.steps)]
            decided = [p for p in due if p.steps[index][1] == "copil"]
            self.open_round(day, [self.scheme_decision(p, p.steps[index][0]) for p in decided])
            for progress in due:
                if progress not in decided:
                    self.play_scheme_step(progress, *progress.steps[index])

    def open_round(self, day: date, decisions: list[Decision] = ()) -> None:
        """Open the round of `day`: the COPIL, convened beforehand, first decides in session."""
        agenda = self.committee.convene(day, decisions) if decisions else None
        self.clock.jump_to(day)
        self.round_day = day
        if agenda is not None:
            self.clock.jump_to(day, SITS_AT)
            pace, self.clock.pace = self.clock.pace, (2, 12)
            self.committee.sit(agenda, decisions)
            self.clock.pace = pace

    def scheme_decision(self, progress: _Progress, outcome: str) -> Decision:
        comment = None
        if outcome != "approve":
            comment = progress.spec.notes.get(outcome, self.catalogue.notes[outcome])
        return Decision(progress.ref, outcome, comment)

    def play_scheme_step(self, progress: _Progress, action: str, role: str) -> None:
        spec = progress.spec
        actor_key = self.scheme_actor(progress, action, role)
        actor = self.actors[actor_key]
        if action == "create":
            data = {"title": spec.title, "organisation_id": self.organisations[spec.organisation]}
            data.update(self.values({k: v for k, v in spec.fields.items() if k in CREATED_WITH}))
            with self.uow() as uow:
                progress.ref = RecordRef("scheme", create_scheme(uow, actor, data).id)
        elif action in ("fill", "complete"):
            later = action == "complete"
            fields = {
                k: v
                for k, v in spec.fields.items()
                if k not in CREATED_WITH and (k in spec.held_back) == later
            }
            if fields:
                with self.uow() as uow:
                    edit_record(uow, progress.ref, self.values(fields), actor)
        elif action == "comment":
            with self.uow() as uow:
                add_comment(uow, progress.ref, actor, self.catalogue.notes[f"{role}_comment"])
        else:
            self.fire(progress.ref, action, actor, self.scheme_inputs(spec, action))
            if action == "submit":
                progress.submitted_by = actor_key

    def scheme_actor(self, progress: _Progress, action: str, role: str) -> str:
        if role == "owner":
            organisation = progress.spec.organisation
            owners = [a.key for a in self.catalogue.accounts if a.organisation == organisation]
            owners = [k for k in owners if "owner" in self.actors[k].roles]
            return owners[list(self.catalogue.schemes).index(progress.key) % len(owners)]
        if role == "admin":
            return "admin"
        if action == "propose":
            return "cotech1"
        # Four eyes: whoever submitted a scheme does not review it, even as a COTECH member.
        pool = [k for k in COTECH if k != progress.submitted_by]
        return pool[next(self.turns) % len(pool)]

    def scheme_inputs(self, spec: DemoScheme, action: str) -> dict[str, Any]:
        if action == "propose":
            return {"target_date": self.round_day + timedelta(days=35)}
        if action == "request_changes":
            default = "Merci de compléter : " + ", ".join(
                self.catalogue.held_back_labels[f] for f in spec.held_back
            )
            return {"comment": spec.notes.get(action, default + ".")}
        if action in ("reject", "reopen"):
            return {"comment": spec.notes.get(action, self.catalogue.notes[action])}
        if action == "withdraw" and action in spec.notes:
            return {"comment": spec.notes[action]}
        return {}

    def values(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Resolve organisation keys in funders and partners to organisation ids."""
        resolved = dict(fields)
        for name, column in (("funders", "amount"), ("partners", "role")):
            if name in resolved:
                resolved[name] = [self.party(who, column, value) for who, value in fields[name]]
        return resolved

    def party(self, who: str, column: str, value: Any) -> dict[str, Any]:
        if who in self.organisations:
            return {"organisation_id": self.organisations[who], column: value}
        return {"name": who, column: value}

    def fire(self, ref: RecordRef, action: str, actor: Actor, inputs: dict[str, Any]) -> None:
        with self.uow() as uow:
            apply_transition(uow, ref, action, actor, inputs)

    # Poolings

    def play_poolings(self) -> None:
        poolings = self.catalogue.poolings
        refs: list[RecordRef | None] = [None] * len(poolings)
        comments = [list(p.comments) for p in poolings]
        for index, day in enumerate(POOLING_ROUNDS):
            stories = [self.catalogue.pooling_stories[p.story] for p in poolings]
            step_of = [steps[index] if index < len(steps) else None for steps in stories]
            self.open_round(
                day,
                [
                    Decision(refs[n], "approve", conditions=POOLING_CONDITIONS)
                    for n, step in enumerate(step_of)
                    if step == "approve"
                ],
            )
            for number, pooling in enumerate(poolings):
                step = step_of[number]
                if step is None or step == "approve":
                    continue
                if step == "create":
                    refs[number] = self.create_pooling(pooling)
                elif step == "comment":
                    if comments[number]:
                        author, body = comments[number].pop(0)
                        with self.uow() as uow:
                            add_comment(uow, refs[number], self.actors[author], body)
                else:
                    self.fire(refs[number], step, *self.pooling_actor_inputs(step))

    def create_pooling(self, pooling: DemoPooling) -> RecordRef:
        data = {
            "title": pooling.title,
            "kind": pooling.kind,
            "lead_organisation_id": self.organisations[pooling.lead],
            "scheme_ids": [self.schemes[k].ref.id for k in pooling.members],
            **pooling.fields,
        }
        with self.uow() as uow:
            return RecordRef("pooling", create_pooling(uow, self.actors["cotech1"], data).id)

    def pooling_actor_inputs(self, step: str) -> tuple[Actor, dict[str, Any]]:
        # The coordinator (cotech1) records and proposes; another member reviews (four eyes).
        if step == "review":
            return self.actors["cotech2"], {}
        if step == "propose":
            return self.actors["cotech1"], {}
        raise ValueError(f"unknown step of a pooling's story: {step}")

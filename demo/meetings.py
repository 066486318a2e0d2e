"""The COPIL's meetings of the demonstration: each round's decisions taken in session, as the
committee takes them, and the next meeting planned with what is proposed on its agenda.

A meeting is planned and convened at the end of the round before it, with the records it will
decide on its agenda; it sits on the round's day: attendance, one numbered decision per record,
then its close applies them all. The minutes of the meetings stay to be approved.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from engine.clock import MARTINIQUE
from engine.db.uow import UnitOfWork
from engine.french.formatting import long_day
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    plan_meeting,
    proposed_records,
    record_decision,
    set_attendance,
)
from engine.services.transitions import apply_transition

MEMBERS = ("copil1", "copil2", "copil3", "copil4")
SECRETARY = "secretariat"
SITS_AT = time(9, 0)
PLACE = "Hôtel de la Collectivité Territoriale de Martinique, Fort-de-France"
# The next meeting's day, after the last round; the proposed records left off its agenda are
# what the secretary's worklist shows as still to put on one.
NEXT_MEETING = date(2026, 11, 24)
LEFT_FOR_LATER = 2
SUMMARY = "Avis favorable du COTECH."


@dataclass(frozen=True)
class Decision:
    """What the COPIL decides on one record in session."""

    ref: RecordRef
    outcome: str  # approve, send_back, reject
    comment: str | None = None
    conditions: str | None = None


@dataclass
class Committee:
    """The COPIL of the demonstration: its members, its secretary, its meetings."""

    uow: Callable[[], UnitOfWork]
    actors: dict[str, Actor]
    meetings_held: int = 0

    @property
    def secretary(self) -> Actor:
        return self.actors[SECRETARY]

    def convene(self, day: date, decisions: list[Decision]) -> "Agenda":
        """Plan the meeting of `day` with these records on its agenda, and convene it."""
        agenda = self.plan(day, [d.ref for d in decisions])
        with self.uow() as uow:
            apply_transition(
                uow, RecordRef("meeting", agenda.meeting_id), "convene", self.secretary
            )
        return agenda

    def plan(self, day: date, records: list[RecordRef]) -> "Agenda":
        with self.uow() as uow:
            meeting = plan_meeting(
                uow,
                self.secretary,
                committee="copil",
                title=f"Comité de pilotage du {long_day(day)}",
                starts_at=datetime.combine(day, SITS_AT, MARTINIQUE),
                secretary_id=self.secretary.id,
                member_ids=[self.actors[k].id for k in MEMBERS],
                place=PLACE,
            )
            agenda = Agenda(meeting.id, [])
        for ref in records:
            with self.uow() as uow:
                item = add_item(uow, self.secretary, agenda.meeting_id, ref, summary=SUMMARY)
                agenda.items.append(item.id)
        return agenda

    def sit(self, agenda: "Agenda", decisions: list[Decision]) -> None:
        """Seat the members, record each decision, close the meeting: the decisions apply."""
        meeting_id = agenda.meeting_id
        for key, attendance, proxy in self.attendance():
            with self.uow() as uow:
                set_attendance(
                    uow, self.secretary, meeting_id, self.actors[key].id, attendance, proxy
                )
        for item_id, decision in zip(agenda.items, decisions, strict=True):
            with self.uow() as uow:
                record_decision(
                    uow,
                    self.secretary,
                    item_id,
                    decision.outcome,
                    comment=decision.comment,
                    conditions=decision.conditions,
                )
        with self.uow() as uow:
            close_meeting(uow, self.secretary, meeting_id)
        self.meetings_held += 1

    def attendance(self) -> list[tuple[str, str, int | None]]:
        """Everyone present; every other meeting, the rector's office gives its proxy."""
        present = [(k, "present", None) for k in MEMBERS]
        if self.meetings_held % 2 == 1:
            present[-1] = (MEMBERS[-1], "represented", self.actors[MEMBERS[-2]].id)
        return present

    def plan_next(self) -> "Agenda":
        """Plan the next meeting with what is proposed, all but the latest proposals."""
        with self.uow() as uow:
            proposed = proposed_records(uow)
        return self.plan(NEXT_MEETING, proposed[: len(proposed) - LEFT_FOR_LATER])


@dataclass(frozen=True)
class Agenda:
    """A planned meeting and its items, in the order of the records put on it."""

    meeting_id: int
    items: list[int]

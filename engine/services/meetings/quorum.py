"""The quorum of a meeting: who may take part in an item, who is there or represented, how
many the meeting's rule needs."""

import math
from collections.abc import Callable
from dataclasses import dataclass

from engine.models import (
    Meeting,
    MeetingItem,
    MeetingMember,
)


@dataclass(frozen=True)
class QuorumRule:
    label: str  # French, as the minutes say it
    required: Callable[[int], int]  # members needed, out of those who may take part


QUORUM_RULES = {
    "half_plus_one": QuorumRule("la moitié des membres plus un", lambda n: n // 2 + 1),
    "half": QuorumRule("la moitié des membres", lambda n: math.ceil(n / 2)),
    "one_third": QuorumRule("le tiers des membres", lambda n: math.ceil(n / 3)),
    "two_thirds": QuorumRule("les deux tiers des membres", lambda n: math.ceil(2 * n / 3)),
}
DEFAULT_QUORUM = "half_plus_one"


@dataclass(frozen=True)
class Quorum:
    """Who may take part (convened, not recused), how many are there or represented, how many
    the rule needs."""

    rule: str
    members: int
    counted: int
    required: int

    @property
    def met(self) -> bool:
        return self.members > 0 and self.counted >= self.required

    @property
    def sentence(self) -> str:
        s = "s" if self.counted > 1 else ""
        present = f"{self.counted} membre{s} présent{s} ou représenté{s}"
        need = f"il en faut {self.required} ({QUORUM_RULES[self.rule].label})"
        state = "quorum atteint" if self.met else "quorum non atteint"
        return f"{state} : {present} sur {self.members}, {need}."


def count_quorum(rule: str, members: list[MeetingMember], recused: frozenset[int]) -> Quorum:
    """The quorum of the members not recused: those present, and those they represent."""
    taking_part = [m for m in members if m.user_id not in recused]
    there = {m.user_id for m in taking_part if m.attendance == "present"}
    counted = len(there) + sum(
        1 for m in taking_part if m.attendance == "represented" and m.proxy_holder_id in there
    )
    return Quorum(rule, len(taking_part), counted, QUORUM_RULES[rule].required(len(taking_part)))


def quorum_of(meeting: Meeting, item: MeetingItem | None = None) -> Quorum:
    recused = frozenset(r.user_id for r in item.recusals) if item is not None else frozenset()
    return count_quorum(meeting.quorum_rule, meeting.members, recused)

"""Committee meetings: planned, convened, attended, deciding as a body, closed in one transaction.

A meeting is a workflow record (workflows/meeting.yaml). Its secretary (or an administrator)
plans it with the members to convene, puts items on its agenda — the records proposed to the
committee, each with its version pinned, and information items —, records who attends (present,
represented by another member's proxy, excused, absent) and, in session, each decision. Members
belonging to an item's organisations are recused from it. Closing the meeting applies every
decision through the records' own transitions, all in one transaction, or none; a dry run says,
item by item, what would apply and why not. The minutes of a held meeting are drafted from all
this, edited by the secretary, and approved with their SHA-256 in the audit chain.
"""

from engine.services.meetings.agenda import (
    OnAgenda,
    add_item,
    declare_conflict,
    meetings_of,
    move_item,
    organisations_of,
    proposed_records,
    remove_item,
)
from engine.services.meetings.closing import CloseReport, ItemCheck, MeetingNotReady, close_meeting
from engine.services.meetings.minutes import (
    MinutesCheck,
    approve_minutes,
    check_minutes,
    draft_minutes,
    edit_minutes,
    later_meetings,
    minutes_text,
)
from engine.services.meetings.planning import plan_meeting, update_meeting
from engine.services.meetings.quorum import (
    DEFAULT_QUORUM,
    QUORUM_RULES,
    Quorum,
    QuorumRule,
    count_quorum,
    quorum_of,
)
from engine.services.meetings.sitting import record_decision, set_attendance

__all__ = [
    "DEFAULT_QUORUM",
    "QUORUM_RULES",
    "CloseReport",
    "ItemCheck",
    "MeetingNotReady",
    "MinutesCheck",
    "OnAgenda",
    "Quorum",
    "QuorumRule",
    "add_item",
    "approve_minutes",
    "check_minutes",
    "close_meeting",
    "count_quorum",
    "declare_conflict",
    "draft_minutes",
    "edit_minutes",
    "later_meetings",
    "meetings_of",
    "minutes_text",
    "move_item",
    "organisations_of",
    "plan_meeting",
    "proposed_records",
    "quorum_of",
    "record_decision",
    "remove_item",
    "set_attendance",
    "update_meeting",
]

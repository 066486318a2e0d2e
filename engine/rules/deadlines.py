"""Deadlines per state, from the workflow files: when a record is due, and whether it is late."""

from datetime import datetime, timedelta

from engine.rules.workflow import Workflow


def due_at(workflow: Workflow, state: str, entered_at: datetime) -> datetime | None:
    """Return when a record that entered `state` at `entered_at` is due, or None (no deadline)."""
    days = workflow.states[state].deadline_days
    return entered_at + timedelta(days=days) if days else None


def is_overdue(workflow: Workflow, state: str, entered_at: datetime, now: datetime) -> bool:
    """Tell whether a record in `state` since `entered_at` has passed its deadline at `now`."""
    due = due_at(workflow, state, entered_at)
    return due is not None and now > due

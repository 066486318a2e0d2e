from datetime import UTC, datetime, timedelta

from engine.rules.deadlines import due_at, is_overdue
from engine.rules.workflow import default_registry

ENTERED = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_a_recorded_scheme_is_due_for_review_within_fifteen_days():
    scheme = default_registry().current("scheme")
    assert due_at(scheme, "recorded", ENTERED) == ENTERED + timedelta(days=15)
    assert not is_overdue(scheme, "recorded", ENTERED, ENTERED + timedelta(days=15))
    assert is_overdue(scheme, "recorded", ENTERED, ENTERED + timedelta(days=15, seconds=1))


def test_drafts_and_final_states_are_never_overdue():
    scheme = default_registry().current("scheme")
    years_later = ENTERED + timedelta(days=3650)
    for state in ("draft", "approved", "rejected", "withdrawn"):
        assert due_at(scheme, state, ENTERED) is None
        assert not is_overdue(scheme, state, ENTERED, years_later)

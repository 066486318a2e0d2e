"""The workflow files' reminder and escalation keys: read, exposed and validated."""

import pytest

from engine.notifications.reminders import actors, moments
from engine.records.registry import RECORD_TYPES
from engine.rules.workflow import default_registry
from tests.workflows.test_files import _refused, _scheme


def test_each_state_with_a_deadline_has_its_reminders_and_escalation():
    registry = default_registry()
    for name in ("scheme", "pooling"):
        for state in registry.current(name).states.values():
            if state.deadline_days:
                assert state.remind_before_days and state.escalate_after_days, state.name
                expected = ("secretary",) if state.name == "proposed" else ("coordinator",)
                assert state.escalate_to == expected
            else:
                assert moments(state) == {}


def test_those_who_must_act_are_the_spine_roles_or_the_secretary_in_session():
    scheme = default_registry().current("scheme")
    rtype = RECORD_TYPES["scheme"]
    assert actors(scheme, rtype, "recorded") == {"cotech"}
    assert actors(scheme, rtype, "changes_requested") == {"owner"}
    assert actors(scheme, rtype, "reviewed") == {"cotech"}
    assert actors(scheme, rtype, "proposed") == {"secretary"}
    assert actors(scheme, rtype, "approved") == frozenset()


def test_the_moments_count_from_entering_the_state():
    recorded = default_registry().current("scheme").states["recorded"]
    assert {k: v.days for k, v in moments(recorded).items()} == {
        "near": 12,
        "passed": 15,
        "escalation": 22,
    }


@pytest.mark.parametrize(
    ("state", "keys", "fragment"),
    [
        ("draft", {"remind_before_days": 3}, "sans « deadline_days »"),
        ("recorded", {"remind_before_days": 15}, "au-delà de son délai"),
        ("recorded", {"escalate_after_days": 7, "escalate_to": []}, "ensemble"),
        ("recorded", {"escalate_to": ["coordinator"], "escalate_after_days": None}, "ensemble"),
        ("recorded", {"escalate_to": ["chef"]}, "rôle inconnu « chef » pour l'escalade"),
        ("recorded", {"escalate_to": ["owner"]}, "rôle inconnu « owner » pour l'escalade"),
        ("recorded", {"remind_before_days": 0}, "remind_before_days"),
    ],
)
def test_wrong_reminder_keys_are_refused(tmp_path, state, keys, fragment):
    data = _scheme()
    data["states"][state].update(keys)
    _refused(tmp_path, data, fragment)

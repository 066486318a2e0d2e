"""The audit chain's pure parts: canonical values, hashes, replay and checkpoints."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.records.audit import GENESIS, HASHED, Checkpoint, event_hash, jsonable, replay

MARTINIQUE = timezone(timedelta(hours=-4))


def values(**overrides) -> dict:
    base = {key: None for key in HASHED}
    base.update(
        record_type="scheme",
        record_id=42,
        record_reference="DSP-2026-0042",
        action="submit",
        from_state="draft",
        to_state="recorded",
        actor_id=3,
        actor_label="owner@example.mq",
        occurred_at=datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
        inputs={"target_date": "2026-03-12"},
    )
    base.update(overrides)
    return base


class TestJsonable:
    def test_decimal_keeps_its_cents(self):
        assert jsonable(Decimal("1200.50")) == "1200.50"

    def test_date_is_iso(self):
        assert jsonable(date(2026, 3, 12)) == "2026-03-12"

    def test_aware_datetime_is_written_in_utc_with_microseconds(self):
        local = datetime(2026, 1, 5, 10, 0, tzinfo=MARTINIQUE)
        assert jsonable(local) == "2026-01-05T14:00:00.000000+00:00"
        assert jsonable(local) == jsonable(local.astimezone(UTC))

    def test_containers_are_walked_and_become_lists_and_string_keys(self):
        raw = {1: (Decimal("2.00"), {date(2026, 1, 1)}), "b": [None, True, 3]}
        assert jsonable(raw) == {"1": ["2.00", ["2026-01-01"]], "b": [None, True, 3]}


class TestEventHash:
    def test_same_event_gives_the_same_hash(self):
        assert event_hash(values(), 1, GENESIS) == event_hash(values(), 1, GENESIS)
        assert len(event_hash(values(), 1, GENESIS)) == 64

    def test_hash_does_not_depend_on_key_order_or_time_zone(self):
        reordered = dict(reversed(list(values().items())))
        in_martinique = values(occurred_at=datetime(2026, 1, 5, 10, 0, tzinfo=MARTINIQUE))
        assert event_hash(reordered, 1, GENESIS) == event_hash(values(), 1, GENESIS)
        assert event_hash(in_martinique, 1, GENESIS) == event_hash(values(), 1, GENESIS)

    @pytest.mark.parametrize(
        "change",
        [
            {"to_state": "withdrawn"},
            {"actor_id": 4},
            {"comment": "ajouté"},
            {"inputs": {"target_date": "2026-03-13"}},
            {"occurred_at": datetime(2026, 1, 5, 14, 0, 0, 1, tzinfo=UTC)},
        ],
        ids=lambda c: next(iter(c)),
    )
    def test_any_change_of_a_field_changes_the_hash(self, change):
        assert event_hash(values(**change), 1, GENESIS) != event_hash(values(), 1, GENESIS)

    def test_position_and_previous_hash_are_part_of_the_hash(self):
        reference = event_hash(values(), 1, GENESIS)
        assert event_hash(values(), 2, GENESIS) != reference
        assert event_hash(values(), 1, "f" * 64) != reference

    def test_fields_outside_the_hashed_set_are_ignored(self):
        assert event_hash({**values(), "id": 99}, 1, GENESIS) == event_hash(values(), 1, GENESIS)


@dataclass
class Event:
    position: int
    from_state: str | None
    to_state: str | None


class TestReplay:
    def test_replay_reaches_the_current_state(self):
        events = [
            Event(1, None, "draft"),
            Event(2, None, None),  # an edit: no state change
            Event(3, "draft", "recorded"),
            Event(4, "recorded", "changes_requested"),
            Event(5, "changes_requested", "recorded"),
        ]
        assert replay("draft", events) == ("recorded", None)

    def test_no_event_gives_no_state(self):
        assert replay("draft", []) == (None, None)

    def test_an_event_leaving_another_state_is_named(self):
        events = [Event(1, None, "draft"), Event(7, "reviewed", "proposed")]
        state, problem = replay("draft", events)
        assert state == "draft"
        assert problem == "événement n°7 part de reviewed, pas de draft"

    def test_a_record_born_in_another_state_than_the_initial_one_is_named(self):
        state, problem = replay("draft", [Event(1, None, "approved")])
        assert state == "approved"
        assert problem == "état initial approved au lieu de draft"


class TestCheckpoint:
    def test_the_written_line_reads_back(self):
        checkpoint = Checkpoint(1234, "a" * 64)
        assert Checkpoint.parse(str(checkpoint)) == checkpoint
        assert Checkpoint.parse(f"2026-01-05 {checkpoint}\n") == checkpoint

    @pytest.mark.parametrize(
        "line", ["", "garbage", "position=abc hash=" + "a" * 64, "hash=" + "a" * 64, "position=3"]
    )
    def test_an_unreadable_line_is_refused(self, line):
        with pytest.raises(ValueError, match="point de contrôle illisible"):
            Checkpoint.parse(line)

    @pytest.mark.parametrize("digest", ["abc", "z" * 64, "A" * 63 + " "])
    def test_a_hash_that_is_not_sha256_hex_is_refused(self, digest):
        with pytest.raises(ValueError, match="empreinte de point de contrôle invalide"):
            Checkpoint.parse(f"position=3 hash={digest}")

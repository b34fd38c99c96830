"""Pure rules: canonical events from a call, attribution at the edges, bonus eligibility and periods."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.capital.facts import Run, attribute, bonus_allowed, bonus_period, derived_events, recording_requested
from domain.capital.models import DialerOutcome, EventType

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
US = timedelta(microseconds=1)
E1, E2 = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(("duration", "outcome", "expected"), [
    (0, DialerOutcome.NO_ANSWER, ["dial_attempt"]),
    (10, DialerOutcome.INFO, ["dial_attempt"]),
    (11, DialerOutcome.INFO, ["dial_attempt", "conversation"]),
    (149, DialerOutcome.SCHEDULE, ["dial_attempt", "conversation"]),
    (150, DialerOutcome.SCHEDULE, ["dial_attempt", "conversation", "qpc"]),
    (150, DialerOutcome.CALLBACK, ["dial_attempt", "conversation", "qpc"]),
    (900, DialerOutcome.NOT_INTERESTED, ["dial_attempt", "conversation"]),
    (900, DialerOutcome.WRONG_NUMBER, ["dial_attempt", "conversation"]),
])
def test_derived_events(duration: int, outcome: DialerOutcome, expected: list[str]) -> None:
    assert [e.value for e in derived_events(duration, outcome)] == expected


def test_recording_only_from_150_seconds() -> None:
    assert (recording_requested(149), recording_requested(150)) == (False, True)


def test_attribution_edges() -> None:
    runs = [Run(experiment_id=E1, started_at=T0, stopped_at=T0 + timedelta(hours=1)),
            Run(experiment_id=E2, started_at=T0 + timedelta(hours=2))]
    assert attribute(T0 - US, runs, None) is None
    assert attribute(T0, runs, None) == E1  # start inclusive
    assert attribute(T0 + timedelta(hours=1) - US, runs, None) == E1
    assert attribute(T0 + timedelta(hours=1), runs, None) is None  # stop exclusive
    assert attribute(T0 + timedelta(hours=1, minutes=30), runs, None) is None  # between runs
    assert attribute(T0 + timedelta(days=30), runs, None) == E2  # open run
    assert attribute(T0 + timedelta(minutes=5), runs, T0 + timedelta(minutes=5)) == E1  # the terminal event counts
    assert attribute(T0 + timedelta(minutes=5) + US, runs, T0 + timedelta(minutes=5)) is None


def test_bonus_rules() -> None:
    assert bonus_period(datetime(2026, 11, 8, 23, 59, tzinfo=UTC)) == "2026-W45"
    assert bonus_period(datetime(2026, 11, 9, 0, 0, tzinfo=UTC)) == "2026-W46"
    assert bonus_period(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert bonus_allowed("sdr", ["sdr"], 1, 2) and not bonus_allowed("sdr", ["sdr"], 2, 2)
    assert not bonus_allowed("closer", ["sdr"], 0, None) and bonus_allowed("sdr", ["sdr"], 99, None)


def test_reportable_events_exclude_derived() -> None:
    from domain.capital.facts import is_reportable

    assert not is_reportable(EventType.QPC) and is_reportable(EventType.PAID_CONVERSION)

"""The retry schedule and the webhook signature a receiver verifies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.integrations import RetrySchedule, backoff, next_delay, sign, verify
from domain.integrations.render import SMS_MAX, message_for, sms_text

SCHEDULE = RetrySchedule(initial_seconds=1, backoff_max_seconds=30, max_attempts=6, max_age_seconds=3600)


def test_backoff_doubles_then_caps() -> None:
    assert [backoff(SCHEDULE, n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff(SCHEDULE, 10_000) == 30


def test_parked_after_max_attempts_or_max_age_whichever_first() -> None:
    assert next_delay(SCHEDULE, 5, 0) == 16
    assert next_delay(SCHEDULE, 6, 0) is None
    assert next_delay(SCHEDULE, 2, 3599) is None
    short = RetrySchedule(initial_seconds=10, backoff_max_seconds=100, max_attempts=100, max_age_seconds=35)
    waits, elapsed, attempts = [], 0.0, 1
    while (delay := next_delay(short, attempts, elapsed)) is not None:
        waits.append(delay)
        elapsed += delay
        attempts += 1
    assert waits == [10, 20] and elapsed <= 35


@given(st.integers(1, 50), st.floats(0, 10_000))
def test_the_schedule_never_exceeds_its_caps(attempts: int, elapsed: float) -> None:
    delay = next_delay(SCHEDULE, attempts, elapsed)
    if delay is not None:
        assert 0 < delay <= SCHEDULE.backoff_max_seconds and attempts < SCHEDULE.max_attempts
        assert elapsed + delay <= SCHEDULE.max_age_seconds


def test_a_receiver_verifies_the_signature_and_refuses_tampering_and_replays() -> None:
    body = b'{"id":"dlv_1","event":"lead.captured"}'
    header = sign("s3cret", body, 1_800_000_000)
    assert header.startswith("t=1800000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify(header, body, "s3cret", now=1_800_000_100) is None
    assert verify(header, body + b" ", "s3cret", now=1_800_000_100) == "mismatch"
    assert verify(header, body, "other", now=1_800_000_100) == "mismatch"
    assert verify(header, body, "s3cret", now=1_800_000_000 + 301) == "stale"
    assert verify("v1=abc", body, "s3cret", now=1_800_000_000) == "malformed"
    rotated = header + ",v1=" + sign("new", body, 1_800_000_000).split("v1=")[1]
    assert verify(rotated, body, "new", now=1_800_000_000) is None


def test_messages_name_the_event_and_the_captured_details() -> None:
    body = {"event": "lead.captured", "call": {"call_sid": "CA1", "caller": "+61400000001"},
            "data": {"captured": {"name": "Sam Lee", "phone": "+61412345678"}, "chosen": {"service": "quote"}}}
    message = message_for(body)
    assert message.subject == "[Revenue OS] New lead from +61400000001"
    assert "name: Sam Lee" in message.text and "service: quote" in message.text and "call: CA1" in message.text
    long = {**body, "data": {"captured": {f"f{i}": "x" * 40 for i in range(30)}}}
    assert len(sms_text(long)) == SMS_MAX

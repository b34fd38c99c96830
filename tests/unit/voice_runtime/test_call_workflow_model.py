"""The CallWorkflow's pure decisions: when a call's events are complete, and its summary."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.voice.messages import CallEventIn, CallWorkflowInput, Captured
from workflows.call import is_complete, summarize_call

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def ev(seq: int, type_: str, **payload: object) -> CallEventIn:
    return CallEventIn(seq=seq, type=type_, payload=payload, occurred_at=NOW)


def test_complete_only_when_call_ended_and_no_gap() -> None:
    events = {1: ev(1, "call.started"), 3: ev(3, "call.ended", reason="caller_hangup")}
    assert not is_complete(events)
    events[2] = ev(2, "turn.ended")
    assert is_complete(events)
    assert not is_complete({1: ev(1, "call.started"), 2: ev(2, "turn.ended")})


def test_summary_from_events() -> None:
    events = [ev(1, "call.started"), ev(2, "capture.confirmed", kind="phone", value="+61412345679"),
              ev(3, "barge_in", reaction_ms=120), ev(4, "transfer.requested", to="+61298765000"),
              ev(5, "transfer.failed", to="+61298765000", error="busy"), ev(6, "call.ended", reason="caller_hangup")]
    summary = summarize_call(CallWorkflowInput(call_sid="CA1"), events, True)
    assert summary.captured == {"phone": Captured(kind="phone", value="+61412345679")} and summary.barge_ins == 1
    assert summary.transfers == [{"type": "transfer.failed", "to": "+61298765000", "error": "busy"}]
    assert summary.end_reason == "caller_hangup" and summary.events == 6 and summary.complete


def test_summary_keys_captured_values_by_objective_with_their_kind() -> None:
    """Two phone objectives are two values; a correction replaces its objective's value; stored payloads (with
    the store's `call_seq`) read the same."""
    events = [ev(1, "call.started"), ev(2, "objective.started", objective="mobile", type="capture_phone"),
              ev(3, "capture.confirmed", kind="phone", value="+61412345678"),
              ev(4, "objective.outcome", objective="mobile", kind="confirmed", value="+61412345678", call_seq=4),
              ev(5, "objective.started", objective="office", type="capture_phone"),
              ev(6, "objective.outcome", objective="office", kind="confirmed", value="+61298765432"),
              ev(7, "objective.started", objective="service", type="choice"),
              ev(8, "objective.outcome", objective="service", kind="chosen", value="quote"),
              ev(9, "objective.outcome", objective="mobile", kind="corrected", value="+61412345679"),
              ev(10, "call.ended", reason="dialogue_complete")]
    summary = summarize_call(CallWorkflowInput(call_sid="CA1"), events, True)
    assert summary.captured == {"mobile": Captured(kind="phone", value="+61412345679"),
                                "office": Captured(kind="phone", value="+61298765432")}

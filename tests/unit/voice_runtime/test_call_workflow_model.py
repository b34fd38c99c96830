"""The CallWorkflow's pure decisions: when a call's events are complete, and its summary."""

from __future__ import annotations

from datetime import UTC, datetime

from workflows.call import CallEventIn, CallWorkflowInput, is_complete, summarize_call

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
    assert summary.captured == {"phone": "+61412345679"} and summary.barge_ins == 1
    assert summary.transfers == [{"type": "transfer.failed", "to": "+61298765000", "error": "busy"}]
    assert summary.end_reason == "caller_hangup" and summary.events == 6 and summary.complete

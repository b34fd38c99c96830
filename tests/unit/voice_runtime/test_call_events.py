"""A call's events are numbered 1..n in emission order, and nothing follows call.ended."""

from __future__ import annotations

from voice_runtime.call_events import CallEventLog

from .harness import ListSink


def test_events_are_numbered_and_call_ended_is_last() -> None:
    sink = ListSink()
    log = CallEventLog(sink)
    log.bind("CA1", "t1")
    log.emit("call.started")
    log.emit("dtmf", digit="1")
    log.emit("call.ended", reason="caller_hangup")
    assert log.emit("stt.final", text="late") is None
    assert [(e.seq, e.type) for e in sink.events] == [(1, "call.started"), (2, "dtmf"), (3, "call.ended")]
    assert all(e.call_sid == "CA1" and e.tenant_id == "t1" for e in sink.events)
    assert sink.events[0].occurred_at <= sink.events[-1].occurred_at

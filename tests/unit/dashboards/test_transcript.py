"""A call's transcript from its events: who said what, in order, with interruptions noted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.events import RecordedEvent
from domain.voice.transcript import transcript

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


def ev(seq: int, type_: str, **payload: Any) -> RecordedEvent:
    at = T0 + timedelta(seconds=seq)
    return RecordedEvent(id=seq, stream="call:CA1", seq=seq, type=type_, schema_version=1, payload=payload,
                         occurred_at=at, recorded_at=at)


def test_transcript_reads_turns_utterances_and_transfers() -> None:
    lines = transcript([
        ev(1, "call.started", caller="+61400111222", called="+61291110000"),
        ev(2, "agent.utterance.started", utterance_id=1, text="Hi, how can I help?"),
        ev(3, "stt.partial", text="my hot"),
        ev(4, "turn.ended", text="my hot water is broken", dtmf=""),
        ev(5, "agent.utterance.started", utterance_id=2, text="Sorry to hear that. What is your name?"),
        ev(6, "agent.utterance.interrupted", utterance_id=2, heard_text="Sorry to hear"),
        ev(7, "turn.ended", text="", dtmf="1"),
        ev(8, "turn.ended", text="", dtmf=""),
        ev(9, "transfer.failed", to="+61299990000", error="busy"),
        ev(10, "call.ended", reason="hangup", duration_ms=10400),
    ])
    said = [(line.speaker, line.text) for line in lines]
    assert said == [
        ("system", "call from +61400111222 to +61291110000"), ("agent", "Hi, how can I help?"),
        ("caller", "my hot water is broken"), ("agent", "Sorry to hear that. What is your name?"),
        ("caller", "[keypad 1]"), ("caller", "(nothing heard)"),
        ("system", "transfer to +61299990000 failed: busy"), ("system", "call ended (hangup, 10 s)"),
    ]
    assert lines[3].note == "interrupted; the caller heard: \u201cSorry to hear\u201d"
    assert lines[1].note is None

"""The dialogue processor on a call's graph: it starts on `ctx.graph` and `ctx.business_open`, records the
objective events, and the recognition hints follow the objective being asked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers.voice_capture import dialogue_graph
from voice_runtime.frames import SpeakFrame, StartFrame, SttHintsFrame, UserTurnFrame
from voice_runtime.processors.dialogue import DialogueProcessor

from .harness import Harness, make_ctx, run_test

JOB = {"id": "job", "type": "choice", "prompt_topic": "the kind of job",
       "options": {"repair": ["repair", "fix"], "install": ["install"]}}
NOTE = {"id": "note", "type": "message", "prompt_topic": "the office"}
VISIT = {"id": "visit", "type": "capture_datetime", "when_closed": "skip"}
START = StartFrame(call_sid="CA1", stream_sid="MZ1")
AT = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


def turn(text: str) -> UserTurnFrame:
    return UserTurnFrame(text=text, dtmf="", ended_at=0.0, last_voiced=None, occurred_at=AT)


async def test_the_call_walks_ctx_graph_and_the_hints_follow_the_objective() -> None:
    ctx, clock = make_ctx()
    ctx.graph, ctx.business_open = dialogue_graph(JOB, NOTE, VISIT, "phone"), False
    h = Harness(ctx, clock)
    await run_test([DialogueProcessor(ctx)], [START, turn("I need a repair"), turn("the back door lock is stuck")],
                   harness=h)
    said = [f.text for f in h.down if isinstance(f, SpeakFrame)]
    assert said == ["Thanks for calling Acme. Can you tell me the kind of job?",
                    "Thanks. What message would you like me to pass on to the office?",
                    "Thanks, I've got that down. What's the best number to reach you on?"]
    hints = [f.hints for f in h.up if isinstance(f, SttHintsFrame)]
    assert set(hints[0][:3]) == {"repair", "fix", "install"} and "yes" in hints[0]  # the choice: its phrases
    assert hints[1] == []  # the message: open vocabulary
    assert "oh" in hints[2]  # the phone capture
    assert [e.payload["objective"] for e in h.types("objective.started")] == ["job", "note", "phone"]
    assert [e.payload for e in h.types("objective.skipped")] == [{"objective": "visit"}]  # closed: skipped
    assert [e.payload["kind"] for e in h.types("objective.outcome")] == ["chosen", "confirmed"]

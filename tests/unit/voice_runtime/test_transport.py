"""The Twilio transport pair: messages in become frames; paced audio and marks go out in order, late ones counted."""

from __future__ import annotations

import base64
import time

from voice_runtime.frames import (
    DtmfFrame,
    HangupFrame,
    InputAudioFrame,
    MarkFrame,
    PacedAudioFrame,
    PlayoutMarkFrame,
    StartFrame,
)
from voice_runtime.processors.transport import TwilioInput, TwilioOutput
from voice_runtime.testing import twilio_caller as caller

from .harness import Harness, make_ctx, run_test
from .twilio_socket import TwilioSocket, drain


async def test_the_input_waits_for_start_then_feeds_media_dtmf_and_marks_until_stop() -> None:
    ctx, clock = make_ctx()
    ws = TwilioSocket([caller.caller_connected(), caller.caller_media("MZ1", b"\x00" * 160, 1, 20, 1), "{not json",
                       caller.caller_start("MZ1", "CA1", {"tenant_id": "t1"}, 2),
                       caller.caller_media("MZ1", b"\x7f" * 160, 2, 40, 3), caller.caller_dtmf("MZ1", "4", 4),
                       caller.caller_mark("MZ1", "u1:5", 5), caller.caller_stop("MZ1", "CA1", 6),
                       caller.caller_media("MZ1", b"\x01" * 160, 3, 60, 7)])
    source, h = TwilioInput(ws, ctx.metrics), Harness(ctx, clock)
    await run_test([source], [], harness=h)  # links the harness to the input's downstream edge
    start = await source.wait_for_start()
    assert start is not None and (start.call_sid, start.custom_parameters) == ("CA1", {"tenant_id": "t1"})
    assert not h.down  # audio before `start` has nowhere to go yet
    assert await source.run() == "caller_hangup"
    audio, dtmf, mark = h.down
    assert isinstance(audio, InputAudioFrame) and audio.mulaw == b"\x7f" * 160
    assert isinstance(dtmf, DtmfFrame) and dtmf.digit == "4"
    assert isinstance(mark, MarkFrame) and mark.name == "u1:5"
    assert len(ctx.metrics.frame_samples) == 1  # the per-frame cost of the one media frame fed
    assert ws.incoming  # nothing after `stop` is read


async def test_the_input_reports_a_dropped_socket() -> None:
    ctx, clock = make_ctx()
    ws = TwilioSocket([caller.caller_start("MZ1", "CA1", {}, 1)])
    source = TwilioInput(ws, ctx.metrics)
    assert await source.wait_for_start() is not None
    assert await source.run() == "disconnected"
    assert await TwilioInput(TwilioSocket(), ctx.metrics).wait_for_start() is None


async def test_the_output_writes_in_order_counts_late_frames_then_passes_the_hangup_on() -> None:
    ctx, clock = make_ctx()
    ws = TwilioSocket()
    sink, h = TwilioOutput(ws, ctx.metrics), Harness(ctx, clock)
    now = time.monotonic()
    frames = [StartFrame(call_sid="CA1", stream_sid="MZ9"), PacedAudioFrame(b"\x01" * 160, deadline=now + 60),
              PacedAudioFrame(b"\x02" * 160, deadline=now - 1), PlayoutMarkFrame("u1:2"), HangupFrame("done")]
    await run_test([sink], frames, harness=h)
    await drain()
    assert ws.written == [
        {"event": "media", "streamSid": "MZ9", "media": {"payload": base64.b64encode(b"\x01" * 160).decode()}},
        {"event": "media", "streamSid": "MZ9", "media": {"payload": base64.b64encode(b"\x02" * 160).decode()}},
        {"event": "mark", "streamSid": "MZ9", "mark": {"name": "u1:2"}},
    ]
    assert ctx.metrics.frames_out._value.get() == 2 and ctx.metrics.late_frames._value.get() == 1
    assert [type(f) for f in h.down] == [StartFrame, HangupFrame]
    await sink.cleanup()

"""Frame tiers mean what they say: system frames overtake held frames, an interruption drops data and keeps control."""

from __future__ import annotations

import asyncio

from voice_runtime.frames import (
    ClearAudioFrame,
    Direction,
    Frame,
    HangupFrame,
    InterruptionFrame,
    OutputAudioFrame,
    PacedAudioFrame,
    PlayoutMarkFrame,
    SpeakFrame,
    StartFrame,
    TransferFrame,
    TtsStartedFrame,
    TtsStoppedFrame,
)
from voice_runtime.processor import FrameProcessor, FrameQueue
from voice_runtime.processors.pacer import Pacer
from voice_runtime.processors.transport import TwilioOutput

from .harness import Harness, make_ctx, run_test
from .twilio_socket import TwilioSocket, drain


class WhatWasWritten(FrameProcessor):
    """After the output: what the socket had been sent when each frame passed on."""

    def __init__(self, ws: TwilioSocket) -> None:
        super().__init__()
        self.ws = ws
        self.seen: list[tuple[str, list[str]]] = []

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        self.seen.append((type(frame).__name__, self.ws.events()))
        await self.push_frame(frame, direction)


async def test_a_held_system_frame_comes_out_first_and_an_interruption_drops_only_data() -> None:
    queue = FrameQueue()
    speech, hangup, more = SpeakFrame("hello", 1), HangupFrame("done"), SpeakFrame("bye", 2)
    for frame in (speech, hangup, more):
        queue.put(frame)
    clear = ClearAudioFrame()
    queue.put(clear)
    assert await queue.get() is clear
    assert queue.interrupt() == 2
    assert len(queue) == 1 and await queue.get() is hangup


async def test_a_clear_overtakes_the_writes_waiting_in_the_output() -> None:
    ctx, clock = make_ctx()
    ws = TwilioSocket()
    output, written, h = TwilioOutput(ws, ctx.metrics), WhatWasWritten(ws), Harness(ctx, clock)
    await run_test([output, written], [StartFrame(call_sid="CA1", stream_sid="MZ1")], harness=h)
    ws.gate.clear()  # the socket is slow: the first write waits, the rest queue up behind it
    frames = [PacedAudioFrame(mulaw=bytes([i]) * 160, deadline=0.0) for i in range(6)]
    await run_test([output, written], [*frames[:3], PlayoutMarkFrame("u1:3"), *frames[3:],
                                       TransferFrame("+61298765000")], harness=h)
    await asyncio.wait_for(ws.writing.wait(), 1)
    await run_test([output, written], [ClearAudioFrame()], harness=h)
    ws.gate.set()
    await drain()
    assert ws.events() == ["media", "clear"]  # the one already on the wire, then the clear; the rest dropped
    # The transfer (control) survived the clear and kept its place: it passed on only after the clear was written.
    assert written.seen == [("StartFrame", []), ("TransferFrame", ["media", "clear"])]
    await output.cleanup()


async def test_an_interruption_does_not_wait_behind_audio_queued_in_the_pacer_or_the_output() -> None:
    ctx, clock = make_ctx(pacer_lead_ms=100, mark_every_frames=5)
    ws = TwilioSocket()
    pacer, output, h = Pacer(ctx), TwilioOutput(ws, ctx.metrics), Harness(ctx, clock)
    utterance = [TtsStartedFrame(1, "one two three four", last_voiced=None, requested=0.0),
                 OutputAudioFrame(b"\x01" * 160 * 50, 1), TtsStoppedFrame(1)]
    await run_test([pacer, output], [StartFrame(call_sid="CA1", stream_sid="MZ1"), *utterance,
                                     HangupFrame("dialogue_complete")], harness=h)
    ws.gate.clear()
    await pacer.on_tick(1.0)  # six frames due within the lead: one on the wire, five waiting in the output
    await asyncio.wait_for(ws.writing.wait(), 1)
    clock.t = 1.01
    await run_test([pacer, output], [InterruptionFrame(onset=0.9)], harness=h)
    ws.gate.set()
    await drain()
    assert ws.events() == ["media", "clear"]  # 44 frames in the pacer and 5 in the output never went out
    for k in range(1, 5):
        await pacer.on_tick(1.0 + 0.02 * k)
    await drain()
    assert ws.events() == ["media", "clear"]
    assert isinstance(h.down[-1], HangupFrame)  # the hangup queued behind the speech still ends the call
    assert h.types("barge_in")[0].payload["reaction_ms"] == 110
    await output.cleanup()

"""The TTS processor: a call that ends while an utterance is still being synthesised ends at once.

Found by the fault suite: the smoke caller's process was killed mid-utterance, the voice worker's session
cancelled the TTS worker, which swallowed its own cancel while waiting on the utterance and waited for speech
forever, so the call never ended (no `call.ended`, no recording, a server that could not shut down).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from voice_runtime.frames import CancelFrame, EndFrame, InterruptionFrame, OutputAudioFrame, SpeakFrame
from voice_runtime.processors.tts import TtsProcessor

from .harness import Harness, make_ctx, run_test


class SlowTts:
    """An engine whose utterance never finishes generating (a stalled synthesis): one chunk, then nothing."""

    name = "slow"

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        yield b"\xff" * 160
        self.started.set()
        await asyncio.Event().wait()


async def _started(text: str) -> tuple[TtsProcessor, SlowTts, Harness]:
    """A TTS processor with an utterance under way."""
    ctx, clock = make_ctx()
    tts = SlowTts()
    processor = TtsProcessor(ctx, tts)
    h = Harness(ctx, clock)
    await run_test([processor], [SpeakFrame(text=text, utterance_id=1)], harness=h)
    await asyncio.wait_for(tts.started.wait(), 2)
    return processor, tts, h


async def _speaking(end: CancelFrame | EndFrame) -> Harness:
    processor, _, h = await _started("Thanks for calling")
    await asyncio.wait_for(run_test([processor], [end], harness=h), 2)  # the call is over: nothing left waiting
    return h


async def test_the_transport_closing_mid_synthesis_ends_the_tts_at_once() -> None:
    h = await _speaking(CancelFrame(reason="disconnected"))
    assert any(isinstance(f, OutputAudioFrame) for f in h.down) and isinstance(h.down[-1], CancelFrame)


async def test_a_call_ended_mid_synthesis_ends_the_tts_at_once() -> None:
    h = await _speaking(EndFrame(reason="caller_hangup"))
    assert isinstance(h.down[-1], EndFrame)


async def test_an_interruption_cancels_the_utterance_and_the_next_one_is_spoken() -> None:
    processor, tts, h = await _started("first")
    tts.started.clear()
    await run_test([processor], [InterruptionFrame(onset=0.0), SpeakFrame(text="second", utterance_id=2)], harness=h)
    await asyncio.wait_for(tts.started.wait(), 2)  # the worker lived through the interruption
    await asyncio.wait_for(processor.cleanup(), 2)

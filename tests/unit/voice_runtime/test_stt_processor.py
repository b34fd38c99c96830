"""The STT processor reopens the engine session for new hints only when the engine says hints matter; a session that
takes hints in place gets them without a new session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from tests.helpers.voice_audio import silence, voiced
from voice_runtime.frames import AudioRawFrame, Frame, StartFrame, SttHintsFrame, TranscriptionFrame
from voice_runtime.processors.stt import SttProcessor
from voice_runtime.stt.base import SpeechToText, SttStream, Transcript
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine

from .harness import Harness, make_ctx, run_test

SCRIPT = [ScriptLine("my name is jane smith", 300), ScriptLine("yes", 200)]


@dataclass
class OpenLog:
    """A real engine, with the hints of every session it was asked to open."""

    engine: SpeechToText
    supports_hints: bool
    name: str = "logged"
    opened: list[list[str] | None] = field(default_factory=list)

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        self.opened.append(None if hints is None else list(hints))
        return await self.engine.open(hints=hints)


def audio(samples: np.ndarray) -> list[Frame]:
    data = samples.tobytes()
    return [AudioRawFrame(pcm8k=b"", pcm16k=data[i:i + 640], arrived=i / 32000) for i in range(0, len(data), 640)]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def speak(stt: SttProcessor, h: Harness, samples: np.ndarray) -> None:
    await run_test([stt], audio(samples), harness=h)
    await settle()


async def test_an_engine_that_uses_hints_gets_a_new_session_for_each_new_question() -> None:
    ctx, clock = make_ctx()
    engine = OpenLog(ScriptedStt(SCRIPT), supports_hints=True)
    stt, h = SttProcessor(ctx, engine), Harness(ctx, clock)
    await run_test([stt], [StartFrame(call_sid="CA1", stream_sid="MZ1")], harness=h)
    await settle()
    await run_test([stt], [SttHintsFrame(["zero", "one"]), SttHintsFrame(["zero", "one"])], harness=h)
    await settle()
    await run_test([stt], [SttHintsFrame(["yes", "no"])], harness=h)
    await settle()
    assert engine.opened == [None, ["zero", "one"], ["yes", "no"]]  # the same hints twice: no new session
    await stt.cleanup()


async def test_an_engine_that_ignores_hints_keeps_one_session_for_the_call() -> None:
    ctx, clock = make_ctx()
    engine = OpenLog(ScriptedStt(SCRIPT), supports_hints=ScriptedStt.supports_hints)
    stt, h = SttProcessor(ctx, engine), Harness(ctx, clock)
    await run_test([stt], [StartFrame(call_sid="CA1", stream_sid="MZ1")], harness=h)
    await settle()
    await speak(stt, h, np.concatenate([voiced(0.5), silence(0.6)]))
    await run_test([stt], [SttHintsFrame(["yes", "no"])], harness=h)
    await settle()
    await speak(stt, h, np.concatenate([voiced(0.4), silence(0.6)]))
    assert engine.opened == [None]
    finals = [f.text for f in h.down if isinstance(f, TranscriptionFrame)]
    assert finals == ["my name is jane smith", "yes"]  # a second session would have started the script again
    await stt.cleanup()


@dataclass
class InPlace:
    """A real session that also takes hints in place (as Whisper's does), keeping every set it was given."""

    stream: SttStream
    given: list[list[str]] = field(default_factory=list)

    def set_hints(self, hints: Sequence[str]) -> None:
        self.given.append(list(hints))

    async def send(self, pcm16: bytes) -> None:
        await self.stream.send(pcm16)

    def results(self) -> AsyncIterator[Transcript]:
        return self.stream.results()

    async def finalize(self) -> None:
        await self.stream.finalize()

    async def close(self) -> None:
        await self.stream.close()


@dataclass
class InPlaceEngine:
    engine: SpeechToText
    name: str = "in-place"
    supports_hints: bool = False
    sessions: list[InPlace] = field(default_factory=list)

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        session = InPlace(await self.engine.open(hints=hints))
        self.sessions.append(session)
        return session


async def test_a_session_that_takes_hints_in_place_gets_each_new_set_once() -> None:
    ctx, clock = make_ctx()
    engine = InPlaceEngine(ScriptedStt(SCRIPT))
    stt, h = SttProcessor(ctx, engine), Harness(ctx, clock)
    await run_test([stt], [StartFrame(call_sid="CA1", stream_sid="MZ1"), SttHintsFrame(["at", "dot"])], harness=h)
    await settle()  # the hints came while the session was opening: it gets them once it is open
    await run_test([stt], [SttHintsFrame(["at", "dot"]), SttHintsFrame(["yes", "no"])], harness=h)
    await settle()
    (session,) = engine.sessions
    assert session.given == [["at", "dot"], ["yes", "no"]]
    await stt.cleanup()

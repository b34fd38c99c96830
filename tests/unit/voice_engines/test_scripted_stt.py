"""ScriptedStt: the port's behaviour driven by a transcript script and real voiced-audio timing."""

from __future__ import annotations

import asyncio

import numpy as np

from tests.helpers.voice_audio import silence, voiced
from voice_runtime.stt.base import SpeechToText, Transcript
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine


async def _feed(stream: object, audio: np.ndarray, frame: int = 320) -> None:
    for i in range(0, audio.size, frame):
        await stream.send(audio[i : i + frame].tobytes())  # type: ignore[attr-defined]


async def _drain(stream: object) -> list[Transcript]:
    await stream.close()  # type: ignore[attr-defined]
    return [t async for t in stream.results()]  # type: ignore[attr-defined]


async def test_a_line_becomes_final_after_its_voiced_audio_with_partials_first() -> None:
    engine: SpeechToText = ScriptedStt([ScriptLine("my name is jane citizen", voiced_ms=1000)])
    stream = await engine.open(hints=["ignored"])
    await _feed(stream, np.concatenate([silence(0.5), voiced(0.6)]))
    partial_only = list(stream._results._queue)  # type: ignore[attr-defined]
    assert partial_only and not any(t.is_final for t in partial_only)
    await _feed(stream, np.concatenate([voiced(0.6), silence(0.5)]))
    results = await _drain(stream)
    finals = [t for t in results if t.is_final]
    assert [t.text for t in finals] == ["my name is jane citizen"]
    partials = [t.text for t in results if not t.is_final]
    assert partials == sorted(partials, key=len) and "my name is jane citizen".startswith(partials[-1])
    assert finals[0].start_ms is not None and 480 <= finals[0].start_ms <= 560
    assert finals[0].end_ms is not None and 1480 <= finals[0].end_ms <= 1560


async def test_silence_yields_nothing() -> None:
    stream = await ScriptedStt(["hello there"]).open()
    await _feed(stream, silence(3.0, level=50))
    assert await _drain(stream) == []


async def test_finalize_releases_a_partly_heard_line_and_moves_on() -> None:
    stream = await ScriptedStt([ScriptLine("zero four one two", 2000), ScriptLine("yes", 300)]).open()
    await _feed(stream, np.concatenate([silence(0.2), voiced(0.5), silence(0.4)]))
    await stream.finalize()
    await _feed(stream, np.concatenate([voiced(0.4, seed=5), silence(0.4)]))
    await stream.finalize()  # nothing left in progress: no extra final
    finals = [t.text for t in await _drain(stream) if t.is_final]
    assert finals == ["zero four one two", "yes"]


async def test_finalize_without_enough_voice_emits_nothing() -> None:
    stream = await ScriptedStt(["hello"], min_voiced_ms=100).open()
    await _feed(stream, np.concatenate([silence(0.3), voiced(0.04)]))
    await stream.finalize()
    assert await _drain(stream) == []


async def test_the_script_ends_unless_cycling() -> None:
    audio = np.concatenate([voiced(0.5), silence(0.5)])
    once = await ScriptedStt([ScriptLine("a", 200)]).open()
    looped = await ScriptedStt([ScriptLine("a", 200)], cycle=True).open()
    for _ in range(3):
        await _feed(once, audio)
        await _feed(looped, audio)
    assert [t.text for t in await _drain(once) if t.is_final] == ["a"]
    assert [t.text for t in await _drain(looped) if t.is_final] == ["a", "a", "a"]


async def test_sessions_are_independent_and_results_end_on_close() -> None:
    engine = ScriptedStt(["one", "two"])
    first, second = await engine.open(), await engine.open()
    await _feed(first, voiced(0.5))
    reader = asyncio.create_task(_collect(second))
    await second.close()
    assert await asyncio.wait_for(reader, 1) == []
    assert [t.text for t in await _drain(first) if t.is_final] == ["one"]


async def _collect(stream: object) -> list[Transcript]:
    return [t async for t in stream.results()]  # type: ignore[attr-defined]


async def test_word_count_sets_the_default_voiced_length() -> None:
    engine = ScriptedStt(["one two three"], ms_per_word=200)
    assert engine.script[0].voiced_ms == 600

"""The pacer: real-time 20 ms frames, marks, barge-in clear and what was heard, held hangups."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import overload

from voice_runtime.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    ClearAudioFrame,
    HangupFrame,
    InterruptionFrame,
    MarkFrame,
    OutputAudioFrame,
    PacedAudioFrame,
    PausePlaybackFrame,
    PlayoutMarkFrame,
    ResumePlaybackFrame,
    TtsStartedFrame,
    TtsStoppedFrame,
)
from voice_runtime.processors.pacer import Pacer

from .harness import Harness, make_ctx, run_test

Message = tuple[dict[str, object], float | None]


class Sent:
    """What the pacer has handed the output transport so far, as the Twilio messages it becomes (and deadlines)."""

    def __init__(self, harness: Harness) -> None:
        self._harness = harness

    def _messages(self) -> list[Message]:
        out: list[Message] = []
        for frame in self._harness.down:
            if isinstance(frame, PacedAudioFrame):
                out.append(({"event": "media"}, frame.deadline))
            elif isinstance(frame, PlayoutMarkFrame):
                out.append(({"event": "mark", "mark": {"name": frame.name}}, None))
            elif isinstance(frame, ClearAudioFrame):
                out.append(({"event": "clear"}, None))
        return out

    def __len__(self) -> int:
        return len(self._messages())

    def __iter__(self) -> Iterator[Message]:
        return iter(self._messages())

    @overload
    def __getitem__(self, index: int) -> Message: ...
    @overload
    def __getitem__(self, index: slice) -> list[Message]: ...
    def __getitem__(self, index: int | slice) -> Message | list[Message]:
        return self._messages()[index]


def setup(**config: object) -> tuple[Pacer, Harness, Sent]:
    ctx, clock = make_ctx(**config)
    harness = Harness(ctx, clock)
    return Pacer(ctx), harness, Sent(harness)


def utterance(uid: int, frames: int, text: str = "one two three four") -> list[object]:
    return [TtsStartedFrame(uid, text, last_voiced=0.0, requested=0.1),
            OutputAudioFrame(b"\x01" * (160 * frames - 40), uid), TtsStoppedFrame(uid)]


async def test_frames_are_paced_in_real_time_with_marks() -> None:
    pacer, h, sent = setup(pacer_lead_ms=40, mark_every_frames=5)
    await run_test([pacer], utterance(1, 10), harness=h)  # type: ignore[arg-type]
    h.clock.t = 1.0
    await pacer.on_tick(1.0)
    media = [m for m, _ in sent if m["event"] == "media"]
    assert len(media) == 3  # due at 1.00, 1.02, 1.04 (lead 40 ms)
    for k in range(1, 20):
        await pacer.on_tick(1.0 + 0.02 * k)
    media = [m for m, _ in sent if m["event"] == "media"]
    marks = [m["mark"]["name"] for m, _ in sent if m["event"] == "mark"]  # type: ignore[index]
    assert len(media) == 10 and marks == ["u1:5", "u1:10"]
    deadlines = [d for m, d in sent if m["event"] == "media" and d is not None]
    assert deadlines == sorted(deadlines) and abs(deadlines[1] - deadlines[0] - 0.02) < 1e-9
    (started,) = h.types("agent.utterance.started")
    assert started.payload["voice_to_voice_ms"] == 1000 and started.payload["tts_ttfb_ms"] == 900
    await run_test([pacer], [MarkFrame("u1:5"), MarkFrame("u1:10")], harness=h)
    await asyncio.sleep(0)
    assert h.types("agent.utterance.finished")[0].payload["duration_ms"] == 200
    assert any(isinstance(f, BotStoppedSpeakingFrame) and not f.interrupted for f in h.up)
    assert any(isinstance(f, BotStartedSpeakingFrame) for f in h.up)


async def test_barge_in_clears_drops_the_queue_and_records_what_was_heard() -> None:
    pacer, h, sent = setup(pacer_lead_ms=0, mark_every_frames=5)
    await run_test([pacer], utterance(1, 20, "a b c d e f g h i j"), harness=h)  # type: ignore[arg-type]
    for k in range(10):
        await pacer.on_tick(1.0 + 0.02 * k)
    h.clock.t = 1.25
    await run_test([pacer], [MarkFrame("u1:5"), InterruptionFrame(onset=1.15)], harness=h)
    assert sent[-1][0]["event"] == "clear"
    (interrupted,) = h.types("agent.utterance.interrupted")
    assert interrupted.payload["heard_ms"] == 100 and interrupted.payload["heard_text"] == "a b"
    assert interrupted.payload["generated_ms"] == 400
    assert h.types("barge_in")[0].payload["reaction_ms"] == 100
    count = len(sent)
    for k in range(10):
        await pacer.on_tick(1.3 + 0.02 * k)
    assert len(sent) == count  # the rest of the utterance was dropped
    await run_test([pacer], [MarkFrame("u1:10")], harness=h)  # echoed after clear: ignored
    assert not h.types("agent.utterance.finished")


async def test_hangup_waits_until_the_audio_before_it_was_heard() -> None:
    pacer, h, sent = setup(pacer_lead_ms=0, mark_every_frames=5)
    await run_test([pacer], [*utterance(1, 5), HangupFrame("done")], harness=h)  # type: ignore[list-item]
    for k in range(6):
        await pacer.on_tick(1.0 + 0.02 * k)
    await asyncio.sleep(0)
    assert not any(isinstance(f, HangupFrame) for f in h.down)
    await run_test([pacer], [MarkFrame("u1:5")], harness=h)
    await pacer.on_tick(1.2)
    await asyncio.sleep(0)
    assert any(isinstance(f, HangupFrame) for f in h.down)


async def test_pause_at_onset_clears_and_a_backchannel_resumes_from_what_was_heard() -> None:
    pacer, h, sent = setup(pacer_lead_ms=0, mark_every_frames=5)
    await run_test([pacer], utterance(1, 20, "a b c d e f g h i j"), harness=h)  # type: ignore[arg-type]
    for k in range(8):
        await pacer.on_tick(1.0 + 0.02 * k)  # frames 1..8 sent
    h.clock.t = 1.2
    await run_test([pacer], [MarkFrame("u1:5"), PausePlaybackFrame(onset=1.14)], harness=h)
    assert sent[-1][0]["event"] == "clear"
    count = len(sent)
    for k in range(10):
        await pacer.on_tick(1.2 + 0.02 * k)
    assert len(sent) == count  # nothing is heard while the caller speaks
    await run_test([pacer], [MarkFrame("u1:5"), ResumePlaybackFrame()], harness=h)  # an old mark: ignored
    for k in range(30):
        await pacer.on_tick(1.5 + 0.02 * k)
    media_after = [m for m, _ in sent[count:] if m["event"] == "media"]
    assert len(media_after) == 15  # frames 6..20: the three sent but unheard are played again
    marks = [m["mark"]["name"] for m, _ in sent[count:] if m["event"] == "mark"]  # type: ignore[index]
    assert marks == ["u1:10:1", "u1:15:1", "u1:20:1"]
    await run_test([pacer], [MarkFrame(n) for n in marks], harness=h)
    await asyncio.sleep(0)
    assert h.types("agent.utterance.finished") and not h.types("barge_in")


async def test_barge_in_after_a_pause_reports_the_reaction_at_the_pause() -> None:
    pacer, h, sent = setup(pacer_lead_ms=0, mark_every_frames=5)
    await run_test([pacer], utterance(1, 20), harness=h)  # type: ignore[arg-type]
    for k in range(8):
        await pacer.on_tick(1.0 + 0.02 * k)
    h.clock.t = 1.2
    await run_test([pacer], [PausePlaybackFrame(onset=1.14)], harness=h)
    h.clock.t = 1.5
    await run_test([pacer], [InterruptionFrame(onset=1.14)], harness=h)
    assert [m["event"] for m, _ in sent].count("clear") == 1
    assert h.types("barge_in")[0].payload["reaction_ms"] == 60
    assert h.types("agent.utterance.interrupted")

"""ScriptedStt: a scripted-transcript STT for load tests (it does not recognise speech).

It is a real implementation of the STT port whose *words* come from a script instead of a model:
it measures the voiced audio it receives with the energy VAD and, once a line's worth of voiced
audio has arrived, emits that line as a final (with word-by-word partials on the way). It lets
the voice loop be load-tested at 100 calls without 100 recognisers, while turn-taking still
depends on real audio timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.vad import Vad

_STEP_BYTES = STT_SAMPLE_RATE * 2 * 20 // 1000  # VAD on 20 ms steps


@dataclass(frozen=True)
class ScriptLine:
    """One caller line and how much voiced audio (ms) stands for it."""

    text: str
    voiced_ms: int


class ScriptedStt:
    """`SpeechToText` that transcribes by script; each session walks the script from the top."""

    name = "scripted"
    supports_hints = False  # the words come from the script; a session walks it once, so it must last the call

    def __init__(
        self,
        script: Sequence[ScriptLine | str],
        *,
        ms_per_word: int = 280,
        min_voiced_ms: int = 100,
        cycle: bool = False,
        vad_factory: Callable[[], Vad] = Vad,
    ) -> None:
        self.script = [
            line if isinstance(line, ScriptLine) else ScriptLine(line, ms_per_word * max(1, len(line.split())))
            for line in script
        ]
        self.min_voiced_ms = min_voiced_ms
        self.cycle = cycle
        self._vad_factory = vad_factory

    async def open(self, *, hints: Sequence[str] | None = None) -> ScriptedStream:
        """Start a session (hints are accepted and ignored: the words come from the script)."""
        return ScriptedStream(self)


class ScriptedStream:
    """One session: counts voiced audio and releases the script's lines as it is heard."""

    def __init__(self, engine: ScriptedStt) -> None:
        self._engine = engine
        self._vad = engine._vad_factory()
        self._results: asyncio.Queue[Transcript | None] = asyncio.Queue()
        self._line = 0
        self._voiced_ms = 0.0
        self._words_sent = 0
        self._start_ms: float | None = None
        self._last_voiced_ms = 0.0
        self._clock_ms = 0.0
        self._pending = b""
        self._closed = False
        # After a line is final, the rest of that utterance (until the VAD hears its end) is not the next line.
        self._line_done = False

    async def send(self, pcm16: bytes) -> None:
        """Measure voiced audio in 20 ms steps; emit partials/finals as the current line completes."""
        if self._closed:
            return
        data = self._pending + pcm16
        usable = len(data) - len(data) % _STEP_BYTES
        self._pending = data[usable:]
        for start in range(0, usable, _STEP_BYTES):
            result = self._vad.process(data[start : start + _STEP_BYTES], STT_SAMPLE_RATE)
            self._clock_ms += 20.0
            if result.speech_ended:
                self._line_done = False
            if result.frame_voiced and not self._line_done and self._current() is not None:
                self._on_voiced()

    def _current(self) -> ScriptLine | None:
        script = self._engine.script
        if not script or (self._line >= len(script) and not self._engine.cycle):
            return None
        return script[self._line % len(script)]

    def _on_voiced(self) -> None:
        line = self._current()
        assert line is not None
        if self._start_ms is None:
            self._start_ms = self._clock_ms - 20.0
        self._voiced_ms += 20.0
        self._last_voiced_ms = self._clock_ms
        words = line.text.split()
        if self._voiced_ms >= line.voiced_ms:
            self._final(line)
            return
        heard = int(len(words) * self._voiced_ms / line.voiced_ms)
        if heard > self._words_sent:
            self._words_sent = heard
            self._put(" ".join(words[:heard]), False)

    def _final(self, line: ScriptLine) -> None:
        self._put(line.text, True)
        self._line += 1
        self._line_done = self._vad.in_speech
        self._voiced_ms, self._words_sent, self._start_ms = 0.0, 0, None

    def _put(self, text: str, is_final: bool) -> None:
        start, end = int(self._start_ms or 0), int(self._last_voiced_ms)
        self._results.put_nowait(Transcript(text, is_final, 1.0 if is_final else None, start, end))

    def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals until `close`."""
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Transcript]:
        while (item := await self._results.get()) is not None:
            yield item

    async def finalize(self) -> None:
        """If part of the current line has been heard, it becomes a final now."""
        line = self._current()
        if line is not None and not self._closed and self._voiced_ms >= self._engine.min_voiced_ms:
            self._final(line)

    async def close(self) -> None:
        """End the session; `results` ends."""
        if not self._closed:
            self._closed = True
            self._results.put_nowait(None)

    @property
    def line_index(self) -> int:
        """How many script lines this session has emitted."""
        return self._line

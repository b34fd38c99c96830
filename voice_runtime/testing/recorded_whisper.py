"""RecordedWhisperStt: Whisper's streaming session with the words it heard on a recorded call instead of the model.

Hearing a call again (`workers.replay_audio.hear_again`) with the engine that heard it live repeats its turns, but a
Whisper decode per turn makes that slow. This engine keeps everything of `WhisperStream` that decides *when* a
turn's words exist (its Silero gate, pre-roll, speculative decodes, long-turn segments, finalize) and takes the
words from the call's `stt.final` events, by the stretch of session audio each covered (the replay's gate batches
fall a few tens of ms from the live call's, so a stretch takes the recorded final it overlaps most): a turn the
replay cuts where the call had none gets no words, and the replay says where. The model is never loaded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from voice_runtime.silero_vad import SileroVad
from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.whisper_stt import WhisperStream, WhisperStt

_BYTES_PER_MS = STT_SAMPLE_RATE * 2 // 1000
Span = tuple[int, int]  # (start_ms, end_ms) on the session's audio


class RecordedWhisperStt(WhisperStt):
    """Whisper's sessions, each final's text looked up by its span among the recorded ones."""

    def __init__(self, finals: Mapping[Span, str], **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.finals = dict(finals)
        self.unmatched: list[Span] = []  # spans the replay decoded that the call never did

    def _best(self, start_ms: int, end_ms: int) -> Span | None:
        overlap = {span: min(end_ms, span[1]) - max(start_ms, span[0]) for span in self.finals}
        best = max(overlap, key=lambda span: overlap[span], default=None)
        return best if best is not None and overlap[best] > 0 else None

    def peek(self, start_ms: int, end_ms: int) -> str | None:
        """The words of the recorded final this stretch overlaps most; None: the call had none there."""
        best = self._best(start_ms, end_ms)
        return self.finals[best] if best is not None else None

    def take(self, start_ms: int, end_ms: int) -> str | None:
        """`peek`, each final used once; None (kept in `unmatched`) as a decode that heard no words."""
        best = self._best(start_ms, end_ms)
        if best is None:
            self.unmatched.append((start_ms, end_ms))
            return None
        return self.finals.pop(best)

    def _stream(self, gate: SileroVad, sid: int) -> WhisperStream:
        return RecordedWhisperStream(self, gate, sid)


class RecordedWhisperStream(WhisperStream):
    """A Whisper session whose decodes are the recorded words."""

    def __init__(self, engine: RecordedWhisperStt, gate: SileroVad, sid: int) -> None:
        super().__init__(engine, gate, sid)
        self._recorded = engine

    def _submit(self, pcm16: bytes) -> asyncio.Future[str]:
        # A decode of the turn so far: the words of the final it overlaps (a speculative decode's are the turn's
        # partial, which the turn manager takes as a turn even when the call's VAD heard no speech).
        start = self._audio_start_ms
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        done.set_result(self._recorded.peek(start, start + len(pcm16) // _BYTES_PER_MS) or "")
        return done

    async def _emit(self, future: asyncio.Future[str], start_ms: int, end_ms: int) -> None:
        text = self._recorded.take(start_ms, end_ms)
        if text is not None:
            self._results.put_nowait(Transcript(text, True, None, start_ms, end_ms))

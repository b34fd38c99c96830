"""Local STT on Whisper tiny.en (faster-whisper, int8 CPU): one final per caller turn, no partials.

Each session gates its audio with its own Silero VAD (16 kHz): audio before the first speech is
kept only as a short pre-roll, so silence, hiss and the agent's long turns are never decoded, and
a turn in which no speech was heard yields no final without running Whisper at all. When the gate
hears the speech stop it starts decoding at once (speculatively), so the final is usually ready
when the runtime's own end-of-turn window calls `finalize`; speech that resumes makes that decode
stale, and `finalize` decodes the whole turn again. A finished speculative decode is also sent as
a partial (the runtime's fallback text if the final is late).

The gate scores its audio in batches of `gate_batch_ms` on the VAD thread (`SileroVad.process_frames`), so the
event loop only hands audio over; `finalize` gates what is left before it takes the turn.

Hints never open a new session (`supports_hints` is False: that would lose what was heard): the
session takes them in place (`set_hints`) and Whisper decodes with them as its prompt
(`whisper_prompt.prompt_for`), so it spells what the capture expects the way the parsers read it.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from infra.settings import Settings
from voice_runtime.engines.errors import SpeechEngineError
from voice_runtime.silero_vad import POOL, SileroModelPool, SileroVad
from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.whisper_model import MODEL_SHA256, MODELS, DecodeOptions, ModelKey, decode, default_model_dir
from voice_runtime.stt.whisper_prompt import PromptBuilder, prompt_for
from voice_runtime.vad import VadResult

_BYTES_PER_MS = STT_SAMPLE_RATE * 2 // 1000


class WhisperStt:
    """`SpeechToText` on Whisper; one per process (the model is shared). Call `warm_up` before the first call."""

    name = "whisper"
    supports_hints = False

    def __init__(
        self,
        *,
        model_dir: Path | None = None,
        expected_sha256: str = MODEL_SHA256,
        compute_type: str = "int8",
        cpu_threads: int = 1,
        decode_workers: int = 2,
        options: DecodeOptions | None = None,
        gate_threshold: float = 0.4,
        gate_hangover_ms: int = 250,
        gate_batch_ms: int = 100,
        preroll_ms: int = 300,
        max_utterance_s: float = 28.0,
        stale_ms: int = 3000,
        vad_pool: SileroModelPool = POOL,
        prompt_builder: PromptBuilder = prompt_for,
    ) -> None:
        self.key = ModelKey(model_dir or default_model_dir(), compute_type, cpu_threads, decode_workers)
        self.expected_sha256 = expected_sha256
        self.options = options or DecodeOptions()
        self.gate_threshold = gate_threshold
        self.gate_hangover_ms = gate_hangover_ms
        self.gate_batch_bytes = gate_batch_ms * _BYTES_PER_MS
        self.preroll_bytes = preroll_ms * _BYTES_PER_MS
        self.max_utterance_bytes = int(max_utterance_s * 1000) * _BYTES_PER_MS
        self.stale_bytes = stale_ms * _BYTES_PER_MS
        self.vad_pool = vad_pool
        self.prompt_builder = prompt_builder
        self._executor = ThreadPoolExecutor(max_workers=decode_workers, thread_name_prefix="whisper")
        self._ids = itertools.count(1)
        self.decodes = 0  # observability: Whisper passes run, speculative ones included

    def model(self) -> Any:
        """The process's model (blocking on first use)."""
        return MODELS.get(self.key, self.expected_sha256)

    async def warm_up(self, sessions: int = 2) -> None:
        """Verify and load the model, run one decode and load gate VADs, off the event loop."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._transcribe, bytes(STT_SAMPLE_RATE * 2))
        await loop.run_in_executor(self._executor, self.vad_pool.warm, STT_SAMPLE_RATE, sessions)

    async def open(self, *, hints: Sequence[str] | None = None) -> WhisperStream:
        """Start a session; `hints` are its first decoding prompt (Whisper's vocabulary stays open)."""
        loop = asyncio.get_running_loop()
        gate = await loop.run_in_executor(None, self._gate)
        stream = self._stream(gate, next(self._ids))
        stream.set_hints(hints or [])
        return stream

    def _stream(self, gate: SileroVad, sid: int) -> WhisperStream:
        return WhisperStream(self, gate, sid)

    def close(self) -> None:
        """Stop the decode threads (the model stays loaded for the process)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def transcribe(self, pcm16: bytes, prompt: str = "") -> str:
        """Decode one utterance of 16 kHz PCM16 on the decode threads; "" when it holds no speech."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._transcribe, pcm16, prompt)

    def _transcribe(self, pcm16: bytes, prompt: str = "") -> str:
        self.decodes += 1
        return decode(self.model(), pcm16, self.options, prompt).text

    def _gate(self) -> SileroVad:
        return SileroVad(sample_rate=STT_SAMPLE_RATE, threshold=self.gate_threshold, start_ms=60,
                         hangover_ms=self.gate_hangover_ms, pool=self.vad_pool)  # fmt: skip


def whisper_stt_from_settings(settings: Settings) -> WhisperStt:
    """The deployment's Whisper engine from its REVOS_WHISPER_* settings."""
    options = DecodeOptions(beam_size=settings.whisper_beam_size, window_pad_s=settings.whisper_window_pad_seconds)
    return WhisperStt(cpu_threads=settings.whisper_cpu_threads, decode_workers=settings.whisper_decode_workers,
                      options=options, gate_hangover_ms=settings.whisper_gate_hangover_ms)  # fmt: skip


class WhisperStream:
    """One session: buffers the turn's speech, decodes it when it ends; `send` never waits on recognition."""

    def __init__(self, engine: WhisperStt, gate: SileroVad, sid: int) -> None:
        self._engine = engine
        self._gate = gate
        self.sid = sid
        self._results: asyncio.Queue[Transcript | BaseException | None] = asyncio.Queue()
        self._audio = bytearray()  # pre-roll until speech is heard, then the whole turn so far
        self._audio_start_ms = 0  # session time of _audio[0]
        self._consumed_ms = 0.0
        self._heard = False  # speech heard since the last final
        self._speculative: tuple[int, asyncio.Future[str]] | None = None  # (bytes covered, decode)
        self._segments: list[tuple[int, int, asyncio.Future[str]]] = []  # long turns, cut while speaking
        self._closed = False
        self._turn = 0  # counts finalized turns: a partial of an earlier turn is never sent
        self._emitting = asyncio.Lock()
        self._ungated: list[bytes] = []  # audio sent, not yet through the gate
        self._ungated_bytes = 0
        self._gating = asyncio.Lock()  # one batch at a time, in order (a finalize waits for the batch in flight)
        self.prompt = ""

    def set_hints(self, hints: Sequence[str]) -> None:
        """What the capture now expects: decodes started from now on take it as their prompt."""
        self.prompt = self._engine.prompt_builder(hints)

    async def send(self, pcm16: bytes) -> None:
        """Queue 16 kHz PCM16; every `gate_batch_ms` the gate scores it, and speech ends start a decode."""
        if self._closed or not pcm16:
            return
        self._ungated.append(pcm16)
        self._ungated_bytes += len(pcm16)
        if self._ungated_bytes >= self._engine.gate_batch_bytes:
            await self._gate_batch(self._take_ungated())

    def _take_ungated(self) -> list[bytes]:
        frames, self._ungated, self._ungated_bytes = self._ungated, [], 0
        return frames

    async def _gate_batch(self, frames: list[bytes]) -> None:
        async with self._gating:
            if self._closed or not frames:
                return
            results = await self._gate.process_frames(frames, STT_SAMPLE_RATE)
            for pcm16, result in zip(frames, results, strict=True):
                self._take(pcm16, result)

    def _take(self, pcm16: bytes, result: VadResult) -> None:
        self._audio += pcm16
        self._consumed_ms += len(pcm16) / _BYTES_PER_MS
        if result.speech_started:
            self._heard = True
            self._speculative = None
        if not self._heard:
            self._trim_preroll()
        elif result.speech_ended:
            future = self._submit(bytes(self._audio))
            future.add_done_callback(functools.partial(self._partial, turn=self._turn))
            self._speculative = (len(self._audio), future)
        elif self._speculative is not None and len(self._audio) - self._speculative[0] > self._engine.stale_bytes:
            self._restart()  # the runtime never ended a turn on it: noise its own VAD ignored, not a turn
        elif len(self._audio) >= self._engine.max_utterance_bytes:
            self._cut_segment()

    @property
    def decoding(self) -> bool:
        """True while a decode started by the gate (speculative or a long turn's segment) is still running."""
        futures = [f for _, _, f in self._segments] + ([self._speculative[1]] if self._speculative else [])
        return any(not f.done() for f in futures)

    def results(self) -> AsyncIterator[Transcript]:
        """Partials (speculative decodes) and finals (one per turn with speech) until `close`."""
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Transcript]:
        while (item := await self._results.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    async def finalize(self) -> None:
        """End the turn: its final (if any speech was heard) is queued before this returns."""
        if self._closed:
            return
        await self._gate_batch(self._take_ungated())  # the audio sent before this call is the turn's
        if self._closed:
            return
        # The turn's state is taken at once, so a second finalize (a backchannel's, then the turn's) never
        # emits the same speech twice; the lock keeps finals in order.
        pending, self._segments = self._segments, []
        if self._heard:
            # A speculative decode covers every word: audio after it is what the gate heard as silence.
            spec = self._speculative
            future = spec[1] if spec is not None else self._submit(bytes(self._audio))
            end_ms = self._audio_start_ms + spec[0] // _BYTES_PER_MS if spec is not None else round(self._consumed_ms)
            pending.append((self._audio_start_ms, end_ms, future))
        self._restart()
        async with self._emitting:
            for start_ms, end_ms, done in pending:
                await self._emit(done, start_ms, end_ms)

    async def close(self) -> None:
        """End the session; `results` ends. The gate's model goes back to the pool."""
        if self._closed:
            return
        self._closed = True
        async with self._gating:  # a batch in flight on the VAD thread still holds the gate's model
            self._gate.close()
        self._results.put_nowait(None)

    def _submit(self, pcm16: bytes) -> asyncio.Future[str]:
        return asyncio.ensure_future(self._engine.transcribe(pcm16, self.prompt))

    async def _emit(self, future: asyncio.Future[str], start_ms: int, end_ms: int) -> None:
        try:
            text = await asyncio.shield(future)
        except Exception as exc:
            error = exc if isinstance(exc, SpeechEngineError) else SpeechEngineError("whisper", repr(exc))
            self._results.put_nowait(error)
            return
        if text:
            self._results.put_nowait(Transcript(text, True, None, start_ms, end_ms))

    def _partial(self, future: asyncio.Future[str], turn: int) -> None:
        """A speculative decode's text is the turn's partial: the runtime falls back on it if the final is late."""
        if turn != self._turn or self._closed or future.cancelled() or future.exception() is not None:
            return
        if text := future.result():
            self._results.put_nowait(Transcript(text, False, None, self._audio_start_ms, round(self._consumed_ms)))

    def _trim_preroll(self) -> None:
        excess = len(self._audio) - self._engine.preroll_bytes
        if excess > 0:
            excess -= excess % 2
            del self._audio[:excess]
            self._audio_start_ms += excess // _BYTES_PER_MS

    def _cut_segment(self) -> None:
        """A turn longer than Whisper's window: decode what is buffered now as a final of its own."""
        end_ms = round(self._consumed_ms)
        self._segments.append((self._audio_start_ms, end_ms, self._submit(bytes(self._audio))))
        self._audio.clear()
        self._audio_start_ms = end_ms

    def _restart(self) -> None:
        self._turn += 1
        self._audio.clear()
        self._audio_start_ms = round(self._consumed_ms)
        self._heard = False
        self._speculative = None
        self._gate.reset()

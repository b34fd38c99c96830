"""A streaming energy + zero-crossing voice activity detector for PCM16 frames.

Each frame is classified as voiced when its level clears both an absolute floor and the noise
floor (the quietest frame of the last two seconds) by a margin, and its zero-crossing rate is
below that of hiss. Speech *starts* once
`start_ms` of voiced audio has arrived within a short window and *ends* after `hangover_ms` of
unvoiced audio: the hang-over keeps short pauses between words inside one utterance.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class VadResult:
    """The detector's view after one frame.

    `is_speech` is the debounced state (true from onset until the hang-over has expired);
    `speech_started` / `speech_ended` are true only on the frame where the state flips;
    `frame_voiced` is this frame's own (undebounced) decision.
    """

    is_speech: bool
    speech_started: bool
    speech_ended: bool
    rms: float
    frame_voiced: bool = False


class VoiceActivityDetector(Protocol):
    """The VAD port: one detector per audio stream (energy/ZCR `Vad`, or `silero_vad.SileroVad`)."""

    def process(self, pcm16_frame: bytes, sample_rate: int) -> VadResult:
        """Classify one frame and update the speech state."""
        ...

    async def process_frames(self, frames: Sequence[bytes], sample_rate: int) -> list[VadResult]:
        """`process` each frame in order, off the event loop where that costs (a model's scoring)."""
        ...

    def reset(self) -> None:
        """Forget the current utterance."""
        ...

    def close(self) -> None:
        """Release what the detector holds (a pooled model); it is not used after this."""
        ...


class Debounced:
    """What every detector shares: its `Debouncer`, the speech state and the debouncing settings it exposes."""

    debounce: Debouncer

    @property
    def in_speech(self) -> bool:
        """The debounced speech state."""
        return self.debounce.in_speech

    @property
    def start_ms(self) -> int:
        """Voiced audio needed to start speech."""
        return self.debounce.start_ms

    @property
    def hangover_ms(self) -> int:
        """Unvoiced audio that ends speech."""
        return self.debounce.hangover_ms

    def reset(self) -> None:
        """Forget the current utterance (what the detector tracks of the line is kept)."""
        self.debounce.reset()


class Vad(Debounced):
    """Streaming energy/ZCR VAD; one instance per audio stream (it keeps state)."""

    def __init__(
        self,
        *,
        min_rms: float = 300.0,
        snr_factor: float = 3.0,
        max_zcr: float = 0.5,
        start_ms: int = 60,
        start_window_ms: int = 100,
        hangover_ms: int = 400,
        noise_window_ms: int = 2000,
    ) -> None:
        self.min_rms = min_rms
        self.snr_factor = snr_factor
        self.max_zcr = max_zcr
        self.noise_window_ms = noise_window_ms
        # Minimum statistics: the quietest frame of the last `noise_window_ms` is the noise floor
        # (speech always has gaps). A seed entry stands in until a full window has been heard.
        self._levels: deque[tuple[float, float]] = deque([(float(noise_window_ms), min_rms / snr_factor)])
        self._levels_ms = float(noise_window_ms)
        self.debounce = Debouncer(start_ms=start_ms, start_window_ms=start_window_ms, hangover_ms=hangover_ms)

    async def process_frames(self, frames: Sequence[bytes], sample_rate: int) -> list[VadResult]:
        """`process` each frame in order, here on the loop: a few microseconds a frame."""
        return [self.process(frame, sample_rate) for frame in frames]

    def close(self) -> None:
        """Nothing to release: the detector is plain state."""

    def frame_is_voiced(self, samples: np.ndarray, rms: float) -> bool:
        """Per-frame decision, before debouncing."""
        if rms < max(self.min_rms, self.noise_rms * self.snr_factor):
            return False
        signs = np.signbit(samples)
        zcr = float(np.count_nonzero(signs[1:] != signs[:-1])) / max(1, samples.size - 1)
        return zcr <= self.max_zcr

    def process(self, pcm16_frame: bytes, sample_rate: int) -> VadResult:
        """Classify one frame (any length, typically 10-30 ms) and update the speech state."""
        samples = np.frombuffer(pcm16_frame, dtype=np.int16)
        if samples.size == 0:
            return VadResult(self.in_speech, False, False, 0.0)
        floats = samples.astype(np.float32)
        rms = float(np.sqrt(np.dot(floats, floats) / samples.size))
        duration_ms = 1000.0 * samples.size / sample_rate
        self._track_noise(duration_ms, rms)
        voiced = self.frame_is_voiced(samples, rms)
        return self.debounce.step(duration_ms, voiced, rms)

    @property
    def noise_rms(self) -> float:
        """The current noise floor estimate (RMS)."""
        return min(level for _, level in self._levels)

    def _track_noise(self, duration_ms: float, rms: float) -> None:
        self._levels.append((duration_ms, rms))
        self._levels_ms += duration_ms
        while self._levels_ms - self._levels[0][0] >= self.noise_window_ms:
            self._levels_ms -= self._levels.popleft()[0]


class Debouncer:
    """Per-frame voiced decisions -> the speech state, for every detector behind the port.

    Speech starts once `start_ms` of voiced audio has arrived within `start_window_ms` (on a voiced frame),
    and ends after `hangover_ms` without voice, so short pauses between words stay inside one utterance.
    """

    def __init__(self, *, start_ms: int = 60, start_window_ms: int = 100, hangover_ms: int = 400) -> None:
        self.start_ms = start_ms
        self.start_window_ms = start_window_ms
        self.hangover_ms = hangover_ms
        self.in_speech = False
        self._recent: deque[tuple[float, bool]] = deque()  # (duration ms, voiced) within the start window
        self._recent_ms = 0.0
        self._silence_ms = 0.0

    def reset(self) -> None:
        """Forget the current utterance."""
        self.in_speech = False
        self._recent.clear()
        self._recent_ms = 0.0
        self._silence_ms = 0.0

    def step(self, duration_ms: float, voiced: bool, rms: float) -> VadResult:
        """Take one frame's own decision; the result says whether speech started or ended on it."""
        started = ended = False
        if self.in_speech:
            self._silence_ms = 0.0 if voiced else self._silence_ms + duration_ms
            if self._silence_ms >= self.hangover_ms:
                ended = True
                self.reset()
        elif self._onset(duration_ms, voiced):
            self.in_speech, started, self._silence_ms = True, True, 0.0
        return VadResult(self.in_speech, started, ended, rms, voiced)

    def _onset(self, duration_ms: float, voiced: bool) -> bool:
        self._recent.append((duration_ms, voiced))
        self._recent_ms += duration_ms
        while self._recent and self._recent_ms - self._recent[0][0] >= self.start_window_ms:
            self._recent_ms -= self._recent.popleft()[0]
        return voiced and sum(d for d, v in self._recent if v) >= self.start_ms

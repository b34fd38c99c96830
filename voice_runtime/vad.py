"""A streaming energy + zero-crossing voice activity detector for PCM16 frames.

Each frame is classified as voiced when its level clears both an absolute floor and the noise
floor (the quietest frame of the last two seconds) by a margin, and its zero-crossing rate is
below that of hiss. Speech *starts* once
`start_ms` of voiced audio has arrived within a short window and *ends* after `hangover_ms` of
unvoiced audio: the hang-over keeps short pauses between words inside one utterance.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

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


class Vad:
    """Streaming VAD; one instance per audio stream (it keeps state)."""

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
        self.start_ms = start_ms
        self.start_window_ms = start_window_ms
        self.hangover_ms = hangover_ms
        self.noise_window_ms = noise_window_ms
        # Minimum statistics: the quietest frame of the last `noise_window_ms` is the noise floor
        # (speech always has gaps). A seed entry stands in until a full window has been heard.
        self._levels: deque[tuple[float, float]] = deque([(float(noise_window_ms), min_rms / snr_factor)])
        self._levels_ms = float(noise_window_ms)
        self.in_speech = False
        self._recent: list[tuple[float, bool]] = []  # (duration ms, voiced) within the start window
        self._silence_ms = 0.0

    def reset(self) -> None:
        """Forget the current utterance (the noise estimate is kept)."""
        self.in_speech = False
        self._recent.clear()
        self._silence_ms = 0.0

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
        started = ended = False
        if self.in_speech:
            self._silence_ms = 0.0 if voiced else self._silence_ms + duration_ms
            if self._silence_ms >= self.hangover_ms:
                self.in_speech, ended = False, True
                self._recent.clear()
        else:
            started = self._onset(duration_ms, voiced)
            if started:
                self.in_speech, self._silence_ms = True, 0.0
        return VadResult(self.in_speech, started, ended, rms, voiced)

    @property
    def noise_rms(self) -> float:
        """The current noise floor estimate (RMS)."""
        return min(level for _, level in self._levels)

    def _track_noise(self, duration_ms: float, rms: float) -> None:
        self._levels.append((duration_ms, rms))
        self._levels_ms += duration_ms
        while self._levels_ms - self._levels[0][0] >= self.noise_window_ms:
            self._levels_ms -= self._levels.popleft()[0]

    def _onset(self, duration_ms: float, voiced: bool) -> bool:
        self._recent.append((duration_ms, voiced))
        total = sum(d for d, _ in self._recent)
        while self._recent and total - self._recent[0][0] >= self.start_window_ms:
            total -= self._recent.pop(0)[0]
        voiced_ms = sum(d for d, v in self._recent if v)
        return voiced and voiced_ms >= self.start_ms

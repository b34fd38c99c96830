"""A phone line for test speech: band-pass, line noise at a set SNR, mu-law, and back to 16 kHz.

Piper already speaks 8 kHz mu-law; a clean line only decodes it, a noisy line adds noise (white
plus a low hum, band-limited like the speech) at `snr_db` against the active speech level, then
encodes it to mu-law again as the network would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np

from voice_runtime.codec import Resampler, mulaw_to_pcm16, pcm16_to_mulaw
from voice_runtime.tts.base import TextToSpeech

RATE = 8000


def band_pass(samples: np.ndarray, low_hz: float = 300.0, high_hz: float = 3400.0, taps: int = 101) -> np.ndarray:
    """A windowed-sinc FIR band-pass (telephone band) applied to float samples."""
    n = np.arange(taps) - (taps - 1) / 2
    low, high = (2 * cut / RATE * np.sinc(2 * cut / RATE * n) for cut in (low_hz, high_hz))
    filtered: np.ndarray = np.convolve(samples, (high - low) * np.hamming(taps), mode="same")
    return filtered


def active_level(samples: np.ndarray, frame: int = 160) -> float:
    """RMS over the frames within 30 dB of the loudest (the speech, not its pauses)."""
    usable = samples[: samples.size - samples.size % frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(usable.astype(np.float64) ** 2, axis=1))
    loud = rms[rms > rms.max() / 31.6] if rms.size and rms.max() > 0 else rms
    return float(np.sqrt(np.mean(loud**2))) if loud.size else 0.0


def line_noise(count: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS line noise: white hiss with a 50 Hz mains hum and its harmonics, band-limited."""
    t = np.arange(count) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t + rng.uniform(0, 6.3)) / k for k in (1, 3, 5))
    noise = band_pass(rng.normal(0, 1, count) + 0.3 * hum)
    out: np.ndarray = noise / max(1e-9, float(np.sqrt(np.mean(noise**2))))
    return out


def noisy_mulaw(ulaw: bytes, snr_db: float, rng: np.random.Generator) -> bytes:
    """Speech (8 kHz mu-law) band-passed, with line noise at `snr_db`, re-encoded to mu-law."""
    speech = band_pass(np.frombuffer(mulaw_to_pcm16(ulaw), np.int16).astype(np.float64))
    noise = line_noise(speech.size, rng) * active_level(speech) / 10 ** (snr_db / 20)
    mixed = np.clip(speech + noise, -32768, 32767).astype(np.int16)
    return pcm16_to_mulaw(mixed.tobytes())


def to_stt(ulaw: bytes) -> bytes:
    """What the runtime hands STT: mu-law decoded and resampled to 16 kHz PCM16."""
    return Resampler(RATE, 16000).process(mulaw_to_pcm16(ulaw))


def hiss(seconds: float, rms: float, rng: np.random.Generator) -> bytes:
    """Line hiss alone (no speech), as 8 kHz mu-law."""
    noise = np.clip(line_noise(int(RATE * seconds), rng) * rms, -32768, 32767).astype(np.int16)
    return pcm16_to_mulaw(noise.tobytes())


class NoisyLine:
    """A live noisy line for a simulated call: line noise at a fixed level added to every mu-law frame sent.

    The noise runs under the caller's silences too (hiss between the lines), as on a real bad line.
    """

    def __init__(self, noise_rms: float, rng: np.random.Generator, seconds: float = 20.0) -> None:
        self._noise = line_noise(int(RATE * seconds), rng) * noise_rms
        self._at = 0

    @classmethod
    def at_snr(cls, speech_ulaw: bytes, snr_db: float, rng: np.random.Generator) -> NoisyLine:
        """Noise `snr_db` below the active level of this speech (a line of the caller's)."""
        speech = np.frombuffer(mulaw_to_pcm16(speech_ulaw), np.int16).astype(np.float64)
        return cls(active_level(speech) / 10 ** (snr_db / 20), rng)

    def __call__(self, ulaw: bytes) -> bytes:
        pcm = np.frombuffer(mulaw_to_pcm16(ulaw), np.int16).astype(np.float64)
        index = (self._at + np.arange(pcm.size)) % self._noise.size
        self._at = int(index[-1]) + 1 if pcm.size else self._at
        mixed = np.clip(pcm + self._noise[index], -32768, 32767).astype(np.int16)
        return pcm16_to_mulaw(mixed.tobytes())


class NoisyVoice:
    """A caller's voice on a noisy line (a `TextToSpeech`): every line with line noise at `snr_db`, and the hiss the
    line carries between lines (`idle`) at the same level, measured on a reference line of this voice.
    """

    def __init__(self, voice: TextToSpeech, snr_db: float, seed: int = 0) -> None:
        self.name = f"{voice.name}+line{snr_db:g}dB"
        self._voice = voice
        self._snr_db = snr_db
        self._rng = np.random.default_rng(seed)
        self.idle = b""

    async def _render(self, text: str) -> bytes:
        return b"".join([chunk async for chunk in self._voice.synthesize(text)])

    async def warm_up(self, reference: str = "Hello, I'm calling about a job at my place.") -> None:
        """Measure the voice's speech level and make the line's hiss (8 s, looped by the caller)."""
        speech = band_pass(np.frombuffer(mulaw_to_pcm16(await self._render(reference)), np.int16).astype(np.float64))
        self.idle = hiss(8.0, active_level(speech) / 10 ** (self._snr_db / 20), self._rng)

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        """The line as it reaches the far end: speech and noise, mu-law."""
        yield noisy_mulaw(await self._render(text), self._snr_db, self._rng)

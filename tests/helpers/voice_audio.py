"""Test audio for the voice tests: synthetic signals (vowel-like voiced audio, silence) and phone-line speech."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import numpy as np

# `await phone_audio(text)` (the voice engine tests' fixture): speech as a phone line delivers it, at 16 kHz PCM16.
PhoneAudio = Callable[[str], Awaitable[bytes]]


def voiced(seconds: float, rate: int = 16000, f0: float = 140.0, level: float = 6000.0, seed: int = 0) -> np.ndarray:
    """A vowel-like signal: harmonics of f0 with a slow amplitude wobble and a little noise."""
    t = np.arange(int(rate * seconds)) / rate
    harmonics = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 12))
    wobble = 0.75 + 0.25 * np.sin(2 * np.pi * 4 * t)
    noise = np.random.default_rng(seed).normal(0, 0.05, t.size)
    signal = harmonics * wobble + noise
    out: np.ndarray = (level * signal / np.sqrt(np.mean(signal**2))).astype(np.int16)
    return out


def silence(seconds: float, rate: int = 16000, level: float = 0.0) -> np.ndarray:
    """Digital silence, or Gaussian line noise at `level` RMS."""
    n = int(rate * seconds)
    return np.random.default_rng(1).normal(0, level, n).astype(np.int16) if level else np.zeros(n, np.int16)

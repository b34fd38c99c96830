"""The VAD on real (piper) speech over the phone path: onset and offset timing against the envelope."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.voice_audio import PhoneAudio
from voice_runtime.codec import Resampler
from voice_runtime.vad import Vad

pytestmark = pytest.mark.slow


def _frames(pcm: bytes, rate: int) -> list[bytes]:
    step = rate * 2 * 20 // 1000
    return [pcm[i : i + step] for i in range(0, len(pcm) - step + 1, step)]


def _envelope_bounds_ms(pcm: bytes, rate: int, level: float = 800.0) -> tuple[int, int]:
    """First and last 20 ms frame whose RMS clears `level`: the reference speech span."""
    rms = [np.sqrt(np.mean(np.frombuffer(f, np.int16).astype(np.float64) ** 2)) for f in _frames(pcm, rate)]
    loud = [i for i, r in enumerate(rms) if r > level]
    return loud[0] * 20, (loud[-1] + 1) * 20


@pytest.mark.parametrize("rate", [16000, 8000])
async def test_one_sentence_is_one_utterance_with_tight_timing(phone_audio: PhoneAudio, rate: int) -> None:
    speech = await phone_audio("My name is Jane Citizen, and I live in Brisbane.")
    if rate == 8000:
        speech = Resampler(16000, 8000).process(speech)
    noise = np.random.default_rng(0).normal(0, 40, rate * 3).astype(np.int16).tobytes()
    lead = noise[: rate * 2 // 2]  # 0.5 s of line noise
    pcm = lead + speech + noise[: rate * 2]
    onset_ms, offset_ms = _envelope_bounds_ms(pcm, rate)
    vad = Vad(start_ms=60, hangover_ms=400)
    starts, ends = [], []
    for i, frame in enumerate(_frames(pcm, rate)):
        result = vad.process(frame, rate)
        if result.speech_started:
            starts.append((i + 1) * 20)
        if result.speech_ended:
            ends.append((i + 1) * 20)
    assert len(starts) == 1 and len(ends) == 1
    assert onset_ms <= starts[0] <= onset_ms + 140  # after the 60 ms of voice that confirm the onset
    assert offset_ms + 400 - 40 <= ends[0] <= offset_ms + 400 + 100


async def test_noise_and_silence_never_start_speech() -> None:
    rng = np.random.default_rng(1)
    for pcm in (bytes(32000 * 3), rng.normal(0, 80, 16000 * 3).astype(np.int16).tobytes()):
        vad = Vad()
        assert not any(vad.process(f, 16000).speech_started for f in _frames(pcm, 16000))

"""G.711 mu-law tables and the streaming resampler: exactness, error bounds, continuity, speed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from voice_runtime.codec import (
    FRAME_MS,
    MULAW_FRAME_BYTES,
    Resampler,
    mulaw_to_pcm16,
    pcm16_rms,
    pcm16_to_mulaw,
)

ALL_PCM = np.arange(-32768, 32768, dtype=np.int16)


def _reference_ulaw(sample: int) -> int:
    """The Sun/ITU reference algorithm (g711.c linear2ulaw on 14-bit input), one sample at a time."""
    pcm = sample >> 2
    mask = 0x7F if pcm < 0 else 0xFF
    pcm = min(abs(pcm), 8159) + 0x21
    for seg, end in enumerate((0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)):
        if pcm <= end:
            return ((seg << 4) | ((pcm >> (seg + 1)) & 0xF)) ^ mask
    return 0x7F ^ mask


def _reference_ulaw_decode(code: int) -> int:
    code = ~code & 0xFF
    t = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4)
    return (0x84 - t) if code & 0x80 else (t - 0x84)


def _sine(freq: float, rate: int, seconds: float, amplitude: float = 12000.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def test_constants() -> None:
    assert FRAME_MS == 20
    assert MULAW_FRAME_BYTES == 160


def test_decode_matches_reference_for_every_code() -> None:
    decoded = np.frombuffer(mulaw_to_pcm16(bytes(range(256))), dtype=np.int16)
    assert decoded.tolist() == [_reference_ulaw_decode(c) for c in range(256)]


def test_encode_matches_reference_for_sampled_values() -> None:
    rng = random.Random(7)
    samples = [-32768, -32767, -1, 0, 1, 32767] + [rng.randint(-32768, 32767) for _ in range(3000)]
    encoded = pcm16_to_mulaw(np.array(samples, dtype=np.int16).tobytes())
    assert list(encoded) == [_reference_ulaw(s) for s in samples]


def test_encode_is_bit_exact_with_audioop_when_available() -> None:
    audioop = pytest.importorskip("audioop")
    assert pcm16_to_mulaw(ALL_PCM.tobytes()) == audioop.lin2ulaw(ALL_PCM.tobytes(), 2)


def test_round_trip_error_is_within_the_mu_law_step() -> None:
    back = np.frombuffer(mulaw_to_pcm16(pcm16_to_mulaw(ALL_PCM.tobytes())), dtype=np.int16)
    error = np.abs(back.astype(np.int32) - ALL_PCM.astype(np.int32))
    inside = np.abs(ALL_PCM.astype(np.int32)) <= 32124  # beyond the largest code it is clipping
    # Logarithmic quantiser: the error grows with the level, at most half a step (~3% of |x|) plus the bias.
    assert np.all(error[inside] <= 8 + np.abs(ALL_PCM[inside].astype(np.int32)) // 32)
    assert error.max() <= 644
    assert np.all(mulaw_to_pcm16(pcm16_to_mulaw(back.tobytes())) == back.tobytes())  # codes are fixed points


def test_round_trip_snr_on_speech_level_sine() -> None:
    x = _sine(440, 8000, 1.0, amplitude=8000)
    y = np.frombuffer(mulaw_to_pcm16(pcm16_to_mulaw(x.tobytes())), dtype=np.int16)
    noise = (y.astype(np.float64) - x) ** 2
    snr_db = 10 * np.log10(np.mean(x.astype(np.float64) ** 2) / np.mean(noise))
    assert snr_db > 35


def test_encode_rejects_odd_length() -> None:
    with pytest.raises(ValueError):
        pcm16_to_mulaw(b"\x00\x01\x02")


@pytest.mark.parametrize(("src", "dst"), [(8000, 16000), (16000, 8000), (22050, 8000), (8000, 22050), (44100, 16000)])
def test_resampler_streaming_equals_one_shot(src: int, dst: int) -> None:
    x = np.random.default_rng(3).integers(-20000, 20000, size=src // 2, dtype=np.int16).tobytes()
    whole = Resampler(src, dst).process(x)
    streaming = Resampler(src, dst)
    rng = random.Random(src + dst)
    pieces, pos = [], 0
    while pos < len(x):
        step = 2 * rng.randint(0, 400)  # includes empty chunks and single samples
        pieces.append(streaming.process(x[pos : pos + step]))
        pos += step
    assert b"".join(pieces) == whole
    assert abs(len(whole) // 2 - (len(x) // 2) * dst / src) <= 1


def test_resampler_has_no_discontinuity_at_frame_boundaries() -> None:
    x = _sine(1000, 8000, 1.0)
    resampler = Resampler(8000, 16000)
    out = b"".join(resampler.process(x[i : i + 160].tobytes()) for i in range(0, x.size, 160))
    y = np.frombuffer(out, dtype=np.int16).astype(np.float64)
    t = np.arange(y.size) / 16000
    delay = resampler.delay_seconds
    assert 0 < delay < 0.0015
    expected = 12000 * np.sin(2 * np.pi * 1000 * (t - delay))
    steady = slice(400, y.size - 400)
    err = y[steady] - expected[steady]
    assert 10 * np.log10(np.mean(expected[steady] ** 2) / np.mean(err**2)) > 30
    assert np.max(np.abs(np.diff(y[steady]))) < 12000 * 2 * np.pi * 1000 / 16000 * 1.1  # never steeper than the sine


def test_downsampling_removes_content_above_the_new_nyquist() -> None:
    alias = np.frombuffer(Resampler(16000, 8000).process(_sine(5000, 16000, 0.5).tobytes()), dtype=np.int16)
    keep = np.frombuffer(Resampler(16000, 8000).process(_sine(1000, 16000, 0.5).tobytes()), dtype=np.int16)
    assert pcm16_rms(alias[100:].tobytes()) < pcm16_rms(keep[100:].tobytes()) / 30  # > 29 dB rejection


def test_same_rate_is_passthrough() -> None:
    x = _sine(300, 8000, 0.1).tobytes()
    assert Resampler(8000, 8000).process(x) == x

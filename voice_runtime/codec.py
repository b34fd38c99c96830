"""Audio primitives for the phone path: G.711 mu-law <-> PCM16 and a streaming polyphase resampler.

Everything is numpy with precomputed tables so one 20 ms frame costs microseconds, not milliseconds.
PCM16 is always mono, signed 16-bit little-endian.
"""

from __future__ import annotations

from math import gcd

import numpy as np
import numpy.typing as npt

FRAME_MS = 20
MULAW_SAMPLE_RATE = 8_000
MULAW_FRAME_BYTES = MULAW_SAMPLE_RATE * FRAME_MS // 1000  # 160 bytes = 160 samples = 20 ms

_BIAS = 0x84


def _build_decode_table() -> npt.NDArray[np.int16]:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def _build_encode_table() -> npt.NDArray[np.uint8]:
    # The ITU/Sun reference on 14-bit input; indexed by the int16 sample reinterpreted as uint16.
    samples = np.arange(65536, dtype=np.int32)
    pcm = np.where(samples >= 32768, samples - 65536, samples) >> 2
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(pcm), 8159) + (_BIAS >> 2)
    seg_end = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])
    seg = np.searchsorted(seg_end, magnitude, side="left")
    code = (np.minimum(seg, 7) << 4) | ((magnitude >> (np.minimum(seg, 7) + 1)) & 0x0F)
    code = np.where(seg >= 8, 0x7F, code)
    return ((code ^ mask) & 0xFF).astype(np.uint8)


_BLOCK = 4096
_DECODE = _build_decode_table()
_ENCODE = _build_encode_table()


def mulaw_to_pcm16(b: bytes) -> bytes:
    """Decode G.711 mu-law bytes to PCM16 (one sample per byte, same sample rate)."""
    return _DECODE[np.frombuffer(b, dtype=np.uint8)].tobytes()


def pcm16_to_mulaw(b: bytes) -> bytes:
    """Encode PCM16 to G.711 mu-law (bit-exact with the ITU reference / `audioop.lin2ulaw`)."""
    if len(b) % 2:
        raise ValueError("PCM16 input must have an even number of bytes")
    return _ENCODE[np.frombuffer(b, dtype=np.uint16)].tobytes()


def _design_bank(up: int, down: int, taps_per_phase: int) -> npt.NDArray[np.float64]:
    """Kaiser-windowed sinc low-pass, split into `up` polyphase branches (each reversed for a dot product)."""
    length = up * taps_per_phase
    cutoff = 0.5 / max(up, down) * 0.92  # cycles per sample at the upsampled rate, a little below Nyquist
    n = np.arange(length) - (length - 1) / 2
    proto = 2 * cutoff * np.sinc(2 * cutoff * n) * np.kaiser(length, 8.0)
    proto *= up / proto.sum()
    bank = proto.reshape(taps_per_phase, up).T  # bank[p, k] = proto[p + k * up]
    return np.ascontiguousarray(bank[:, ::-1], dtype=np.float64)


class Resampler:
    """Streaming rational resampler for PCM16 (`process` keeps filter state across calls).

    Output sample n is taken at input time n * down / up; feeding audio in pieces gives exactly the
    same output as feeding it at once. The filter delays the signal by about half its span
    (`taps_per_phase / 2` input samples, ~1 ms at 8/16 kHz).
    """

    def __init__(self, src_rate: int, dst_rate: int, taps_per_phase: int | None = None) -> None:
        if src_rate <= 0 or dst_rate <= 0:
            raise ValueError("sample rates must be positive")
        g = gcd(src_rate, dst_rate)
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        self._up = dst_rate // g
        self._down = src_rate // g
        self._passthrough = self._up == self._down
        ratio = max(1.0, self._down / self._up)
        self._taps = taps_per_phase or int(np.ceil(16 * ratio))
        self._bank = _design_bank(self._up, self._down, self._taps)
        self._history = np.zeros(self._taps - 1, dtype=np.float64)
        self._buffer_start = -(self._taps - 1)  # global index of _history[0]
        self._received = 0
        self._produced = 0

    @property
    def delay_seconds(self) -> float:
        """Group delay of the filter: output time t carries the input at time t - delay."""
        return (self._up * self._taps - 1) / (2 * self._up) / self.src_rate if not self._passthrough else 0.0

    def process(self, pcm16: bytes) -> bytes:
        """Resample the next piece of the stream; returns whatever output is complete so far."""
        if self._passthrough:
            return pcm16
        if len(pcm16) % 2:
            raise ValueError("PCM16 input must have an even number of bytes")
        fresh = np.frombuffer(pcm16, dtype=np.int16).astype(np.float64)
        buf = np.concatenate((self._history, fresh))
        self._received += fresh.size
        # Every output n whose newest input sample floor(n * down / up) has arrived, i.e. n * down < received * up.
        end = -(-self._received * self._up // self._down)
        # Blocks bound the (outputs x taps) window matrix for long inputs such as a whole TTS sentence.
        blocks = [self._filter(buf, first, min(end, first + _BLOCK)) for first in range(self._produced, end, _BLOCK)]
        out = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float64)
        self._produced = max(self._produced, end)
        keep = self._taps - 1
        self._history = buf[-keep:] if keep else buf[:0]
        self._buffer_start = self._received - keep
        pcm: bytes = np.clip(np.rint(out), -32768, 32767).astype(np.int16).tobytes()
        return pcm

    def _filter(self, buf: npt.NDArray[np.float64], first: int, end: int) -> npt.NDArray[np.float64]:
        """Outputs first..end-1: each is one polyphase branch dotted with the newest `taps` inputs."""
        pos = np.arange(first, end, dtype=np.int64) * self._down
        idx = pos // self._up - self._buffer_start - (self._taps - 1)
        windows = buf[idx[:, None] + np.arange(self._taps)]
        out: npt.NDArray[np.float64] = (windows * self._bank[pos % self._up]).sum(axis=1)
        return out


def pcm16_rms(pcm16: bytes) -> float:
    """Root-mean-square level of PCM16 audio in sample units (0..32768)."""
    samples = np.frombuffer(pcm16, dtype=np.int16).astype(np.float32)
    return float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0

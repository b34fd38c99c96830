"""The stored recording: one stereo WAV, 8 kHz PCM16, the caller on the left channel and the agent on the right.

PCM16 holds every mu-law sample exactly, so the stored file is the line's audio bit for bit, and any browser
plays it. A leg is one channel as mono; `mixed` is both summed (clipped), what a listener on the line heard.
"""

from __future__ import annotations

import io
import wave
from typing import Literal

import numpy as np
import numpy.typing as npt

Leg = Literal["caller", "agent", "mixed"]
LEGS: tuple[Leg, ...] = ("caller", "agent", "mixed")
CHANNELS = ("caller", "agent")


def _wav(samples: npt.NDArray[np.int16], channels: int, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return out.getvalue()


def stereo_wav(caller_pcm16: bytes, agent_pcm16: bytes, rate: int = 8000) -> bytes:
    """Interleave the two legs (the same length) into a stereo WAV."""
    left = np.frombuffer(caller_pcm16, dtype="<i2")
    right = np.frombuffer(agent_pcm16, dtype="<i2")
    if left.size != right.size:
        raise ValueError("both legs of a recording must have the same length")
    return _wav(np.column_stack((left, right)).reshape(-1), 2, rate)


def read_legs(data: bytes) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16], int]:
    """The caller's and the agent's samples and the sample rate of a stored recording."""
    with wave.open(io.BytesIO(data), "rb") as w:
        if w.getnchannels() != 2 or w.getsampwidth() != 2:
            raise ValueError("a recording is a stereo PCM16 WAV")
        rate = w.getframerate()
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)
    return frames[:, 0].copy(), frames[:, 1].copy(), rate


def leg_wav(data: bytes, leg: Leg) -> bytes:
    """One leg of a stored recording as a mono WAV (`mixed`: both legs summed)."""
    caller, agent, rate = read_legs(data)
    if leg == "caller":
        return _wav(caller, 1, rate)
    if leg == "agent":
        return _wav(agent, 1, rate)
    mixed = np.clip(caller.astype(np.int32) + agent.astype(np.int32), -32768, 32767).astype(np.int16)
    return _wav(mixed, 1, rate)


def caller_pcm16(data: bytes) -> tuple[bytes, int]:
    """The caller leg's PCM16 bytes and rate (what `revos replay --audio` feeds the VAD and STT)."""
    caller, _, rate = read_legs(data)
    return caller.astype("<i2").tobytes(), rate

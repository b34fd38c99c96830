"""Audio between a WebRTC peer and the pipeline: the peer's Opus (48 kHz) in 20 ms pieces at the pipeline's rates,
and the agent's 8 kHz mu-law as frames the Opus encoder takes.

The peer's audio becomes what `CodecProcessor` makes of a phone call's mu-law: PCM16 at 8 kHz (the VAD's rate) and
at 16 kHz (the STT's), each resampled straight from the peer's 48 kHz, so recognition gets the browser's wideband
audio rather than a telephone band. The agent's audio is the TTS's mu-law decoded to PCM16; aiortc's Opus encoder
resamples it to 48 kHz itself.
"""

from __future__ import annotations

import fractions

import numpy as np
from av import AudioFrame, AudioResampler

from voice_runtime.codec import MULAW_SAMPLE_RATE, Resampler, mulaw_to_pcm16
from voice_runtime.stt.base import STT_SAMPLE_RATE

PEER_RATE = 48_000
PEER_FRAME_SAMPLES = PEER_RATE // 50  # 20 ms
AGENT_TIME_BASE = fractions.Fraction(1, MULAW_SAMPLE_RATE)
SILENT_8K = bytes(2 * MULAW_SAMPLE_RATE // 50)
SILENT_16K = bytes(2 * STT_SAMPLE_RATE // 50)


class PeerAudio:
    """Turns the peer's decoded frames (any layout, any size) into 20 ms (pcm8k, pcm16k) pieces, streaming."""

    def __init__(self) -> None:
        self._mono = AudioResampler(format="s16", layout="mono", rate=PEER_RATE)
        self._to8k = Resampler(PEER_RATE, MULAW_SAMPLE_RATE)
        self._to16k = Resampler(PEER_RATE, STT_SAMPLE_RATE)
        self._pending = b""

    def feed(self, frame: AudioFrame) -> list[tuple[bytes, bytes]]:
        """The whole 20 ms pieces the frame completes (a remainder waits for the next frame)."""
        data = self._pending + b"".join(bytes(f.planes[0])[: f.samples * 2] for f in self._mono.resample(frame))
        whole = len(data) - len(data) % (PEER_FRAME_SAMPLES * 2)
        self._pending = data[whole:]
        out = []
        for start in range(0, whole, PEER_FRAME_SAMPLES * 2):
            chunk = data[start:start + PEER_FRAME_SAMPLES * 2]
            out.append((self._to8k.process(chunk), self._to16k.process(chunk)))
        return out


def agent_frame(mulaw: bytes, pts: int) -> AudioFrame:
    """One piece of agent audio (mu-law 8 kHz) as a mono PCM16 frame stamped `pts` samples into the call."""
    samples = np.frombuffer(mulaw_to_pcm16(mulaw), dtype=np.int16).reshape(1, -1)
    frame = AudioFrame.from_ndarray(samples, format="s16", layout="mono")
    frame.sample_rate = MULAW_SAMPLE_RATE
    frame.pts = pts
    frame.time_base = AGENT_TIME_BASE
    return frame

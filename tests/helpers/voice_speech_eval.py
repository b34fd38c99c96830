"""Shared helpers to drive an STT session with audio and score transcripts (tests and the benchmark)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from voice_runtime.stt.base import SpeechToText, Transcript

FRAME_BYTES = 640  # 20 ms at 16 kHz
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PHONE_HINTS = [*DIGIT_WORDS, "oh", "double", "triple"]
# The shape of domain.voice.stt_hints("phone") / ("name") (voice-capture): answers plus confirmations.
_CONFIRM = [
    "that's right", "that is right", "that's correct", "yes", "yeah", "yep", "correct", "right", "sure", "okay",
    "good", "great", "lovely", "righto", "that's wrong", "not quite", "wrong", "nope", "nah", "no",
]  # fmt: skip
CAPTURE_PHONE_HINTS = [
    *DIGIT_WORDS, "oh", "o", "nought", "double", "triple", "treble", "plus", "sixty", "hundred", "area", "code",
    "mobile", "number", "last", "digit", "is", *_CONFIRM,
]  # fmt: skip
CAPTURE_NAME_HINTS = (
    ["my", "name", "is", "it's", "first", "last", "surname", "spelled"]
    + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + _CONFIRM
)
PHONE_NUMBERS = ["0412345678", "0498765432", "0423581347", "0401928374", "0455012966", "0487310059"]


def spoken_digits(number: str) -> str:
    """How a caller reads a mobile number: 4-3-3 groups, commas for the pauses."""
    words = [DIGIT_WORDS[int(d)] for d in number]
    return f"{' '.join(words[:4])}, {' '.join(words[4:7])}, {' '.join(words[7:])}."


def digits_of(text: str) -> list[str]:
    """Digit words of a transcript, with 'oh' as zero and 'double'/'triple' expanded."""
    out: list[str] = []
    repeat = 1
    for word in text.lower().split():
        if word in ("double", "triple"):
            repeat = 2 if word == "double" else 3
            continue
        if word == "oh":
            word = "zero"
        if word in DIGIT_WORDS:
            out.extend([word] * repeat)
        repeat = 1
    return out


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def last_voiced_byte(pcm16: bytes, level: float = 500.0) -> int:
    """End of the last 20 ms frame louder than `level` RMS (piper ends its clips with silence)."""
    samples = np.frombuffer(pcm16[: len(pcm16) - len(pcm16) % FRAME_BYTES], dtype=np.int16).astype(np.float64)
    rms = np.sqrt(np.mean(samples.reshape(-1, FRAME_BYTES // 2) ** 2, axis=1))
    loud = np.nonzero(rms > level)[0]
    return int(loud[-1] + 1) * FRAME_BYTES if loud.size else len(pcm16)


@dataclass
class Session:
    """What one recognition run produced, with wall-clock times relative to the first frame sent."""

    transcripts: list[Transcript] = field(default_factory=list)
    arrival_s: list[float] = field(default_factory=list)
    speech_end_sent_s: float | None = None  # when the last voiced frame was sent

    @property
    def finals(self) -> list[Transcript]:
        return [t for t in self.transcripts if t.is_final]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.finals)


async def recognize(
    stt: SpeechToText,
    pcm16: bytes,
    *,
    hints: Sequence[str] | None = None,
    lead_silence_s: float = 0.3,
    tail_silence_s: float = 1.0,
    realtime: bool = False,
) -> Session:
    """Send silence + speech + silence in 20 ms frames (paced in real time if asked), then close."""
    stream = await stt.open(hints=hints)
    session = Session()
    started = time.perf_counter()

    async def read() -> None:
        async for t in stream.results():
            session.transcripts.append(t)
            session.arrival_s.append(time.perf_counter() - started)

    reader = asyncio.create_task(read())
    audio = bytes(int(lead_silence_s * 32000)) + pcm16
    speech_end = len(audio) - len(pcm16) + last_voiced_byte(pcm16)
    audio += bytes(int(tail_silence_s * 32000))
    for i in range(0, len(audio), FRAME_BYTES):
        await stream.send(audio[i : i + FRAME_BYTES])
        if i + FRAME_BYTES >= speech_end and session.speech_end_sent_s is None:
            session.speech_end_sent_s = time.perf_counter() - started
        if realtime:
            await asyncio.sleep(max(0.0, started + (i + FRAME_BYTES) / 32000 - time.perf_counter()))
        elif i % (FRAME_BYTES * 10) == 0:
            await asyncio.sleep(0)
    await stream.finalize()
    await stream.close()
    await reader
    return session

"""Per-call usage: the CPU of the process shared between calls in progress; engines metered per call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from voice_runtime.stt.base import SttStream, Transcript
from voice_runtime.usage import CallUsage, CpuShare, MeteredStt, MeteredTts


def test_cpu_is_shared_between_the_calls_in_progress() -> None:
    clock = iter([0.0, 0.0, 4.0, 10.0, 12.0]).__next__
    share = CpuShare(clock)
    a = share.enter()  # t=0
    b = share.enter()  # t=4: a alone used 4 s
    assert share.leave(a) == 4 + 3  # t=10: 6 s shared by two
    assert share.leave(b) == 3 + 2  # t=12: b alone for 2 s


class _Stream:
    async def send(self, pcm16: bytes) -> None:
        return None

    async def _none(self) -> AsyncIterator[Transcript]:
        if False:
            yield Transcript("", True)

    def results(self) -> AsyncIterator[Transcript]:
        return self._none()

    async def finalize(self) -> None:
        return None

    async def close(self) -> None:
        return None


class _Stt:
    name = "fake"
    supports_hints = False

    async def open(self, *, hints: Sequence[str] | None = None) -> SttStream:
        return _Stream()


class _Tts:
    name = "faketts"

    async def synthesize(self, text: str) -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"\xff" * 160


async def test_the_wrappers_count_what_engines_bill() -> None:
    usage = CallUsage()
    stream = await MeteredStt(_Stt(), usage).open()
    for _ in range(50):
        await stream.send(b"\0" * 640)  # 20 ms at 16 kHz
    chunks = [c async for c in MeteredTts(_Tts(), usage).synthesize("Hello there.")]
    event = usage.as_event("fake", "faketts", 1.5)
    assert len(chunks) == 3 and event["stt_audio_seconds"] == 1.0 and event["tts_characters"] == 12
    assert event["cpu_seconds"] == 1.5 and event["core_version"]

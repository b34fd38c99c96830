"""Real local speech engines, loaded once per test session, and phone-quality audio made with piper."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.helpers.voice_audio import PhoneAudio
from voice_runtime.codec import Resampler, mulaw_to_pcm16
from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt
from voice_runtime.tts.piper_tts import PiperTts


@pytest.fixture(scope="session")
async def piper() -> AsyncIterator[PiperTts]:
    tts = PiperTts()
    await tts.warm_up()
    yield tts
    tts.close()


@pytest.fixture(scope="session")
async def sphinx() -> AsyncIterator[PocketsphinxStt]:
    stt = PocketsphinxStt()
    await stt.warm_up()
    yield stt
    stt.close()


@pytest.fixture(scope="session")
def phone_audio(piper: PiperTts) -> PhoneAudio:
    """`await phone_audio(text)`: piper speech as a caller's line delivers it (8 kHz mu-law) back at 16 kHz PCM16."""
    cache: dict[str, bytes] = {}

    async def render(text: str) -> bytes:
        if text not in cache:
            ulaw = b"".join([chunk async for chunk in piper.synthesize(text)])
            cache[text] = Resampler(8000, 16000).process(mulaw_to_pcm16(ulaw))
        return cache[text]

    return render

"""PocketsphinxStt on piper speech that went through the phone path (8 kHz mu-law and back)."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers.voice_audio import PhoneAudio
from tests.helpers.voice_speech_eval import (
    CAPTURE_NAME_HINTS,
    CAPTURE_PHONE_HINTS,
    DIGIT_WORDS,
    PHONE_HINTS,
    PHONE_NUMBERS,
    digits_of,
    edit_distance,
    recognize,
    spoken_digits,
)
from tests.integration.voice_engines.loop_lag import LoopLag
from voice_runtime.engines.errors import SpeechEngineError
from voice_runtime.stt.base import SpeechToText
from voice_runtime.stt.pocketsphinx_stt import DEFAULT_CARRIER_PHRASES, PocketsphinxStt

pytestmark = pytest.mark.slow


async def test_partials_then_a_final_with_speech_timing(sphinx: PocketsphinxStt, phone_audio: PhoneAudio) -> None:
    stt: SpeechToText = sphinx
    pcm = await phone_audio(spoken_digits("0412345678"))
    async with LoopLag() as lag:
        session = await recognize(stt, pcm, hints=PHONE_HINTS, lead_silence_s=0.5, tail_silence_s=1.0)
    (final,) = session.finals
    first_final = session.transcripts.index(final)
    partials = session.transcripts[:first_final]
    assert len(partials) >= 3 and not any(t.is_final for t in partials)
    assert all(t.text for t in partials) and partials[-1].text != partials[0].text
    speech_s = len(pcm) / 32000
    assert final.start_ms is not None and final.end_ms is not None
    assert 300 <= final.start_ms <= 700  # speech begins after 0.5 s of silence (+ piper's own lead-in)
    assert abs(final.end_ms - (500 + speech_s * 1000)) < 600
    print(lag)
    assert lag.loop_cpu_ms < 150, lag  # the engine computed off the event loop's thread


async def test_digit_accuracy_on_phone_audio_with_hints(sphinx: PocketsphinxStt, phone_audio: PhoneAudio) -> None:
    errors = total = 0
    unhinted_errors = 0
    for number in PHONE_NUMBERS[:3]:
        pcm = await phone_audio(spoken_digits(number))
        reference = [DIGIT_WORDS[int(d)] for d in number]
        hinted = await recognize(sphinx, pcm, hints=PHONE_HINTS)
        errors += edit_distance(reference, digits_of(hinted.text))
        allowed = set(PHONE_HINTS) | {w for p in DEFAULT_CARRIER_PHRASES for w in p.split()}
        assert set(hinted.text.split()) <= allowed  # the grammar constrains the vocabulary
        plain = await recognize(sphinx, pcm)
        unhinted_errors += edit_distance(reference, digits_of(plain.text))
        total += len(reference)
    accuracy = 1 - errors / total
    assert accuracy >= 0.85, f"digit word accuracy {accuracy:.2f}"  # measured ~0.96 (benchmarks/speech_engines.py)
    assert errors < unhinted_errors  # the open language model mishears ("zero" -> "euro", "hero")


async def test_a_correction_with_the_capture_hints(sphinx: PocketsphinxStt, phone_audio: PhoneAudio) -> None:
    pcm = await phone_audio("No, it's zero four one two, three four five, six seven nine.")
    session = await recognize(sphinx, pcm, hints=CAPTURE_PHONE_HINTS)
    words = session.text.split()
    assert words[0] in ("no", "nope", "nah")  # led by the "no", not forced into a digit ("oh")
    assert edit_distance(list("0412345679"), [str(DIGIT_WORDS.index(w)) for w in digits_of(session.text)]) <= 1


async def test_open_vocabulary_hints_use_the_language_model(sphinx: PocketsphinxStt, phone_audio: PhoneAudio) -> None:
    session = await recognize(sphinx, await phone_audio("My name is Jane."), hints=CAPTURE_NAME_HINTS)
    assert session.text.startswith("my name is")
    assert "jane" in session.text.split()  # not in the hints: a grammar could not have produced it


async def test_finalize_mid_speech_gives_a_final_and_the_session_goes_on(
    sphinx: PocketsphinxStt, phone_audio: PhoneAudio
) -> None:
    pcm = await phone_audio(spoken_digits("0498765432"))
    stream = await sphinx.open(hints=PHONE_HINTS)
    half = len(pcm) // 2 - (len(pcm) // 2) % 2
    for i in range(0, half, 640):
        await stream.send(pcm[i : i + 640])
    await stream.finalize()
    for i in range(0, len(pcm), 640):  # a second utterance after the flush
        await stream.send(pcm[i : i + 640])
    await stream.send(bytes(32000))
    await stream.close()
    finals = [t for t in [t async for t in stream.results()] if t.is_final]
    assert len(finals) == 2
    assert 3 <= len(finals[0].text.split()) <= 8
    assert finals[1].start_ms is not None and finals[0].end_ms is not None
    assert finals[1].start_ms >= finals[0].end_ms - 100


async def test_silence_gives_no_transcript_and_close_ends_results(sphinx: PocketsphinxStt) -> None:
    stream = await sphinx.open()
    for _ in range(100):
        await stream.send(bytes(640))
    reader = asyncio.create_task(_all(stream))
    await stream.close()
    assert await asyncio.wait_for(reader, 5) == []


async def test_concurrent_sessions_with_different_hints(sphinx: PocketsphinxStt, phone_audio: PhoneAudio) -> None:
    digits = await phone_audio(spoken_digits("0423581347"))
    yes = await phone_audio("Yes, that's right.")
    a, b = await asyncio.gather(
        recognize(sphinx, digits, hints=PHONE_HINTS),
        recognize(sphinx, yes, hints=["yes", "no", "that's right", "correct", "wrong"]),
    )
    assert len(digits_of(a.text)) >= 8
    carriers = {w for p in DEFAULT_CARRIER_PHRASES for w in p.split()}
    allowed = {"yes", "no", "that's", "right", "correct", "wrong"} | carriers
    assert b.text.split()[0] in ("yes", "yeah") and set(b.text.split()) <= allowed


async def _all(stream: object) -> list[object]:
    return [t async for t in stream.results()]  # type: ignore[attr-defined]


async def test_a_dead_worker_fails_its_sessions_and_the_engine_recovers(phone_audio: PhoneAudio) -> None:
    stt = PocketsphinxStt(workers=1)
    try:
        stream = await stt.open(hints=PHONE_HINTS)
        (worker,) = stt._workers
        worker.process.kill()
        with pytest.raises(SpeechEngineError, match="worker process exited"):
            await asyncio.wait_for(_all(stream), 10)
        await stream.close()  # closing a failed session is harmless
        session = await recognize(stt, await phone_audio(spoken_digits("0401928374")), hints=PHONE_HINTS)
        assert len(digits_of(session.text)) >= 8 and stt._workers[0] is not worker
    finally:
        stt.close()

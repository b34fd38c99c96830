"""Whisper tiny.en on phone audio: natural callers (piper with its generator noise on) at two speaking rates,
clean and on a noisy line; nothing on silence, hiss or noise; the model's hash is checked; one model per process."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from infra.settings import Settings
from tests.helpers.voice_speech_eval import edit_distance, recognize
from tests.helpers.voice_speech_score import normalise, word_errors
from tests.integration.voice_engines.loop_lag import LoopLag
from voice_runtime.silero_vad import SileroVad
from voice_runtime.stt.whisper_model import (
    MODELS,
    DecodeOptions,
    ModelIntegrityError,
    ModelKey,
    WhisperModelCache,
    decode,
    default_model_dir,
)
from voice_runtime.stt.whisper_stt import WhisperStt, whisper_stt_from_settings
from voice_runtime.testing.phone_line import hiss, noisy_mulaw, to_stt
from voice_runtime.tts.piper_tts import PiperTts
from voice_runtime.vad import VadResult

pytestmark = pytest.mark.slow

# What callers say when asked for their name, number, email and a yes/no (the issue's own examples).
CALLER = [
    "Sorry, hi there, my name is Sam Taylor.",
    "My number is zero four one two, three four five, six seven eight.",
    "It's mary dot brown at gmail dot com.",
    "Yeah, that's right.",
    "No, the last digit is nine.",
]


@pytest.fixture(scope="module")
async def whisper() -> AsyncIterator[WhisperStt]:
    stt = WhisperStt()
    await stt.warm_up()
    yield stt
    stt.close()


@pytest.fixture(scope="module")
async def caller_audio() -> dict[tuple[float, str], list[bytes]]:
    """Each line at the voice's own rate and 15% faster, over a clean and a noisy (15 dB) line, noise on."""
    rng = np.random.default_rng(10)
    out: dict[tuple[float, str], list[bytes]] = {}
    for rate in (1.0, 0.85):
        tts = PiperTts(length_scale=rate)
        for text in CALLER:
            ulaw = b"".join([chunk async for chunk in tts.synthesize(text)])
            out.setdefault((rate, "clean"), []).append(to_stt(ulaw))
            out.setdefault((rate, "noisy"), []).append(to_stt(noisy_mulaw(ulaw, 15.0, rng)))
        # The name said a second time (piper's noise makes it another take): the name capture reads a name back and
        # asks again when the caller says it is wrong (three attempts by default), so the claim tested is a surname
        # understood within two tries. Whisper tiny.en misheard "Sam Taylor" as "Santayler" in one CI run.
        out[(rate, "clean again")] = [to_stt(b"".join([chunk async for chunk in tts.synthesize(CALLER[0])]))]
        tts.close()
    return out


@pytest.mark.parametrize("rate", [1.0, 0.85])
@pytest.mark.parametrize(("line", "max_wer"), [("clean", 0.10), ("noisy", 0.20)])
async def test_natural_callers_are_understood(
    whisper: WhisperStt, caller_audio: dict[tuple[float, str], list[bytes]], rate: float, line: str, max_wer: float
) -> None:
    errors = words = 0
    heard = []
    for text, pcm in zip(CALLER, caller_audio[(rate, line)], strict=True):
        session = await recognize(whisper, pcm)
        assert len(session.finals) == 1, session.transcripts
        heard.append(session.text)
        e, n = word_errors(text, session.text)
        errors, words = errors + e, words + n
    assert errors / words <= max_wer, heard
    if line == "noisy":
        return
    # On a clean line, the values a capture needs, whatever the spelling: the number (a slip of one digit at
    # most; the benchmark counts exact numbers), and the surname.
    digits = [t for t in normalise(heard[1]) if t.isdigit()]
    assert edit_distance(digits, list("0412345678")) <= 1, heard[1]
    tries = [heard[0]]
    if "taylor" not in normalise(heard[0]):
        tries.append((await recognize(whisper, caller_audio[(rate, "clean again")][0])).text)
    assert "taylor" in normalise(tries[-1]), tries


@pytest.mark.parametrize(
    ("label", "rms"), [("digital silence", 0.0), ("line hiss", 120.0), ("loud hiss and hum", 2000.0)]
)
async def test_nothing_on_silence_and_hiss(whisper: WhisperStt, label: str, rms: float) -> None:
    pcm = bytes(16000 * 2 * 4) if rms == 0 else to_stt(hiss(4.0, rms, np.random.default_rng(2)))
    session = await recognize(whisper, pcm, lead_silence_s=0.0, tail_silence_s=0.5)
    assert session.finals == [], f"{label}: {session.transcripts}"


@pytest.mark.parametrize("rms", [0.0, 30.0, 300.0, 3000.0])
async def test_whisper_itself_finds_no_speech_in_noise(whisper: WhisperStt, rms: float) -> None:
    """Past the session's VAD gate, the decoder's own no-speech check still returns nothing (Whisper alone says
    "you" or "Thank you." on silence)."""
    noise = np.random.default_rng(3).normal(0, rms, 16000 * 3).clip(-32768, 32767).astype(np.int16).tobytes()
    for pcm in (noise, noise[:16000], to_stt(hiss(3.0, rms, np.random.default_rng(4)))):
        result = await asyncio.get_running_loop().run_in_executor(None, decode, whisper.model(), pcm, DecodeOptions())
        assert result.text == "", result


async def test_the_final_is_decoded_while_the_runtime_waits_for_the_end_of_turn(
    whisper: WhisperStt, caller_audio: dict[tuple[float, str], list[bytes]]
) -> None:
    """The session starts decoding when speech stops; finalize() then hands over that result."""
    stream = await whisper.open()
    pcm = bytes(16000) + caller_audio[(1.0, "clean")][3] + bytes(16000)
    for i in range(0, len(pcm), 640):
        await stream.send(pcm[i : i + 640])
    assert stream.decoding  # started by the session's own VAD, before anyone asked for the final
    for _ in range(200):  # the runtime's end-of-turn window; on a loaded machine a decode may take a second
        if not stream.decoding:
            break
        await asyncio.sleep(0.05)
    decodes, started = whisper.decodes, time.perf_counter()
    await stream.finalize()
    waited = time.perf_counter() - started
    await stream.close()
    results = [t async for t in stream.results()]
    finals = [t for t in results if t.is_final]
    assert [normalise(t.text) for t in finals] == [normalise("Yeah, that's right.")]
    assert whisper.decodes == decodes and waited < 0.05  # finalize decoded nothing more
    # The speculative result came first as a partial: the runtime's fallback if a final is ever late.
    assert not results[-2].is_final and results[-2].text == finals[0].text


def test_a_mismatched_model_file_is_refused(tmp_path: Path) -> None:
    source = default_model_dir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(source / name, tmp_path / name)
    (tmp_path / "model.bin").write_bytes(b"\0" * 4096)
    with pytest.raises(ModelIntegrityError, match="sha256 .* expected 1a5afae0"):
        WhisperStt(model_dir=tmp_path).model()
    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        WhisperStt(expected_sha256="0" * 64, cpu_threads=3).model()
    with pytest.raises(ModelIntegrityError, match="no model file"):
        WhisperStt(model_dir=tmp_path / "missing").model()


async def test_one_model_per_process(whisper: WhisperStt) -> None:
    loads = MODELS.loads
    other = WhisperStt()
    await other.warm_up()
    assert other.model() is whisper.model() and MODELS.loads == loads
    other.close()


async def test_a_turn_is_final_once_and_long_silence_before_it_is_never_decoded(
    whisper: WhisperStt, caller_audio: dict[tuple[float, str], list[bytes]]
) -> None:
    """The agent talked for 8 s (the caller was silent), then the caller spoke; two finalizes overlap."""
    stream = await whisper.open()
    pcm = bytes(16000 * 2 * 8) + caller_audio[(1.0, "clean")][0] + bytes(16000)
    for i in range(0, len(pcm), 640):
        await stream.send(pcm[i : i + 640])
    await asyncio.gather(stream.finalize(), stream.finalize())
    await stream.close()
    finals = [t async for t in stream.results() if t.is_final]
    assert len(finals) == 1 and "taylor" in normalise(finals[0].text)
    assert finals[0].start_ms is not None and 7_500 <= finals[0].start_ms <= 8_400  # speech at 8 s, 300 ms pre-roll


async def test_a_turn_longer_than_the_window_is_cut_into_finals(
    caller_audio: dict[tuple[float, str], list[bytes]]
) -> None:
    stt = WhisperStt(max_utterance_s=2.0)
    stream = await stt.open()
    speech = caller_audio[(1.0, "clean")][1]  # the phone number: about 4.5 s without a long pause
    for i in range(0, len(speech), 640):
        await stream.send(speech[i : i + 640])
    await stream.finalize()
    await stream.close()
    finals = [t async for t in stream.results() if t.is_final]
    stt.close()
    assert len(finals) >= 2
    starts = [f.start_ms or 0 for f in finals]
    assert starts == sorted(starts) and starts[-1] > 0


def test_loading_and_decoding_never_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    cache = WhisperModelCache()
    model = cache.get(ModelKey(default_model_dir(), "int8", 1, 1))
    assert decode(model, bytes(32000), DecodeOptions()).text == ""


def test_settings_tune_the_engine() -> None:
    settings = Settings(whisper_beam_size=3, whisper_window_pad_seconds=30, whisper_decode_workers=1,
                        whisper_gate_hangover_ms=400)  # fmt: skip
    stt = whisper_stt_from_settings(settings)
    assert (stt.options.beam_size, stt.options.window_pad_s, stt.key.workers, stt.gate_hangover_ms) == (3, 30, 1, 400)
    stt.close()


async def test_decoding_never_blocks_the_event_loop(
    whisper: WhisperStt, caller_audio: dict[tuple[float, str], list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pcm = caller_audio[(1.0, "clean")][1]
    decodes: list[tuple[int, float]] = []  # (thread, CPU seconds) of every decode
    real = whisper._transcribe

    def spied(pcm16: bytes, prompt: str = "") -> str:
        began = time.thread_time()
        try:
            return real(pcm16, prompt)
        finally:
            decodes.append((threading.get_ident(), time.thread_time() - began))

    scored: list[int] = []  # the thread of every batch the gate scored
    score = SileroVad._process_all

    def spied_gate(vad: SileroVad, frames: Sequence[bytes], rate: int) -> list[VadResult]:
        scored.append(threading.get_ident())
        return score(vad, frames, rate)

    monkeypatch.setattr(whisper, "_transcribe", spied)
    monkeypatch.setattr(SileroVad, "_process_all", spied_gate)
    async with LoopLag() as lag:
        session = await recognize(whisper, pcm, lead_silence_s=0.5, realtime=True)
    (final,) = session.finals
    assert final.start_ms is not None and final.end_ms is not None
    assert 150 <= final.start_ms <= 700  # speech begins after 0.5 s of silence (+ piper's lead-in), 300 ms pre-roll
    assert abs(final.end_ms - (500 + len(pcm) / 32)) < 700
    # Every decode ran on a decode thread, never on the loop's (CPU time does not depend on the machine's load).
    assert decodes and all(thread != threading.get_ident() for thread, _ in decodes), (decodes, lag)
    # So did the gate's Silero scoring, in batches of 100 ms (the 20 ms frames of the session's ~6 s).
    assert scored and threading.get_ident() not in scored and len(scored) <= (len(pcm) / 32000 + 1.5) * 10 + 2

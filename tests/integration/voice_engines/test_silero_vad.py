"""Silero VAD at 8 kHz on phone audio: onset delay, endpoint after speech, no onsets on silence, hiss or noise."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from tests.helpers.voice_audio import PhoneAudio
from voice_runtime.codec import Resampler, mulaw_to_pcm16
from voice_runtime.silero_vad import SileroModelPool, SileroVad
from voice_runtime.testing.phone_line import hiss, line_noise
from voice_runtime.vad import Vad, VadResult

pytestmark = pytest.mark.slow
RATE = 8000


def _frames(pcm: bytes) -> list[bytes]:
    step = RATE * 2 * 20 // 1000
    return [pcm[i : i + step] for i in range(0, len(pcm) - step + 1, step)]


def _rms(pcm: bytes) -> list[float]:
    """The RMS level of each 20 ms frame."""
    return [float(np.sqrt(np.mean(np.frombuffer(f, np.int16).astype(np.float64) ** 2))) for f in _frames(pcm)]


def _span_ms(pcm: bytes, level: float = 800.0) -> tuple[int, int]:
    """First and last 20 ms frame louder than `level` RMS: the reference speech span."""
    loud = [i for i, r in enumerate(_rms(pcm)) if r > level]
    return loud[0] * 20, (loud[-1] + 1) * 20


def _run(vad: SileroVad | Vad, pcm: bytes) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for i, frame in enumerate(_frames(pcm)):
        result = vad.process(frame, RATE)
        if result.speech_started:
            starts.append((i + 1) * 20)
        if result.speech_ended:
            ends.append((i + 1) * 20)
    return starts, ends


def _noise(seconds: float, rms: float, seed: int) -> bytes:
    return mulaw_to_pcm16(hiss(seconds, rms, np.random.default_rng(seed)))


def _longest_quiet_ms(pcm: bytes, from_ms: int, to_ms: int, level: float = 800.0) -> int:
    """The longest run of 20 ms frames quieter than `level` RMS between two instants."""
    longest = run = 0
    for rms in _rms(pcm)[max(0, from_ms // 20) : to_ms // 20]:
        run = run + 1 if rms <= level else 0
        longest = max(longest, run)
    return longest * 20


async def test_one_sentence_is_one_utterance_with_prompt_onset_and_endpoint(phone_audio: PhoneAudio) -> None:
    """Speech starts promptly and ends one hang-over after the last word; it splits only where the caller paused.

    Piper with its noise on leaves 360-480 ms after "hi there," (measured over 25 renders): a pause at the
    hang-over. An utterance may end there, and then only there: a split needs a real silence of nearly the
    hang-over in the audio, never a dip between syllables.
    """
    speech = Resampler(16000, RATE).process(await phone_audio("Sorry, hi there, my name is Sam Taylor."))
    pcm = _noise(0.6, 60, 0) + speech + _noise(1.5, 60, 1)
    onset_ms, offset_ms = _span_ms(pcm)
    hangover = 400
    vad = SileroVad(start_ms=60, hangover_ms=hangover)
    starts, ends = _run(vad, pcm)
    assert 1 <= len(starts) <= 2 and len(ends) == len(starts), (starts, ends)
    assert onset_ms <= starts[0] <= onset_ms + 160  # 60 ms of voice to confirm, one 32 ms window of lag
    assert offset_ms + hangover - 60 <= ends[-1] <= offset_ms + hangover + 200
    for end, start in zip(ends, starts[1:], strict=False):
        assert _longest_quiet_ms(pcm, end - hangover - 100, start) >= hangover - 100, (starts, ends)
    vad.close()


@pytest.mark.parametrize(
    ("label", "seconds", "rms"),
    [("digital silence", 4.0, 0.0), ("quiet line hiss", 4.0, 80.0), ("loud hiss and hum", 4.0, 1500.0),
     ("very loud noise", 4.0, 5000.0)],  # fmt: skip
)
def test_no_onset_on_silence_hiss_or_noise(label: str, seconds: float, rms: float) -> None:
    pcm = bytes(int(RATE * seconds) * 2) if rms == 0 else _noise(seconds, rms, 7)
    vad = SileroVad()
    starts, _ = _run(vad, pcm)
    assert starts == [], f"false onset on {label}"
    vad.close()


def test_loud_hiss_fools_the_energy_detector_but_not_silero() -> None:
    """Why Silero is the default: line noise that jumps up (a bad line) starts the energy VAD, not Silero."""
    pcm = _noise(2.0, 60, 3) + _noise(3.0, 2500, 4)
    assert _run(Vad(), pcm)[0], "the energy VAD should take this noise for speech (else this test shows nothing)"
    assert _run(SileroVad(), pcm)[0] == []


async def test_noisy_line_speech_still_starts_and_ends(phone_audio: PhoneAudio) -> None:
    speech = Resampler(16000, RATE).process(await phone_audio("My number is oh four one two, three four five."))
    samples = np.frombuffer(speech, np.int16).astype(np.float64)
    noise = line_noise(samples.size, np.random.default_rng(5)) * np.sqrt(np.mean(samples**2)) / 10 ** (15 / 20)
    noisy = np.clip(samples + noise, -32768, 32767).astype(np.int16).tobytes()
    starts, ends = _run(SileroVad(), _noise(0.5, 60, 6) + noisy + _noise(1.5, 60, 8))
    assert len(starts) >= 1 and len(ends) == len(starts)


async def test_a_batch_scores_on_the_vad_thread_and_a_close_mid_batch_waits_for_it() -> None:
    pool = SileroModelPool()
    vad = SileroVad(pool=pool)
    frames = [bytes(320)] * 5
    loop_thread = threading.get_ident()
    threads: list[int] = []
    score = vad.process

    hold = threading.Event()

    def spied(pcm: bytes, rate: int) -> VadResult:
        threads.append(threading.get_ident())
        hold.wait(10)  # the batch is running on the model when the call ends
        return score(pcm, rate)

    vad.process = spied  # type: ignore[method-assign,assignment]
    batch = asyncio.ensure_future(vad.process_frames(frames, 8000))
    await asyncio.sleep(0.01)
    batch.cancel()  # the call ends mid-batch
    vad.close()
    assert not pool._idle[8000]  # the model is still the batch's
    hold.set()
    for _ in range(200):
        if pool._idle[8000]:
            break
        await asyncio.sleep(0.01)
    assert len(pool._idle[8000]) == 1 and len(threads) == 5 and loop_thread not in threads


def test_models_are_pooled_and_rates_checked() -> None:
    pool = SileroModelPool()
    first = SileroVad(pool=pool)
    first.close()
    second = SileroVad(pool=pool)
    assert pool.loaded == 1  # the second detector reused the first one's model
    with pytest.raises(ValueError, match="8000 Hz"):
        second.process(bytes(640), 16000)
    with pytest.raises(ValueError, match="8000 or 16000"):
        SileroVad(sample_rate=44100, pool=pool)


async def test_quiet_echo_of_the_agent_starts_no_speech(phone_audio: PhoneAudio) -> None:
    """Silero hears speech at any level: the level floor keeps the agent's own echo (35 dB down) out."""
    agent = np.frombuffer(Resampler(16000, RATE).process(
        await phone_audio("Thanks, Jane. What's the best number to reach you on?")), np.int16).astype(np.float64)
    line = np.frombuffer(_noise(agent.size / RATE, 60, 9), np.int16).astype(np.float64)[: agent.size]
    echo = np.clip(agent * 10 ** (-35 / 20) + line, -32768, 32767).astype(np.int16).tobytes()
    assert _run(SileroVad(min_rms=0), echo)[0], "without the floor Silero takes the echo for speech"
    assert _run(SileroVad(), echo)[0] == []

"""The streaming VAD on synthetic signals: silence, hiss, clicks, voiced bursts, onset/offset timing."""

from __future__ import annotations

import numpy as np

from tests.helpers.voice_audio import silence, voiced
from voice_runtime.vad import Debouncer, Vad, VadResult

RATE = 16000
FRAME = RATE * 20 // 1000


def _voiced(seconds: float, level: float = 6000.0, seed: int = 0) -> np.ndarray:
    return voiced(seconds, RATE, level=level, seed=seed)


def _silence(seconds: float, level: float = 0.0) -> np.ndarray:
    return silence(seconds, RATE, level)


def _run(vad: Vad, audio: np.ndarray) -> list[VadResult]:
    return [vad.process(audio[i : i + FRAME].tobytes(), RATE) for i in range(0, audio.size - FRAME + 1, FRAME)]


def _event_ms(results: list[VadResult], attr: str) -> list[int]:
    return [i * 20 + 20 for i, r in enumerate(results) if getattr(r, attr)]  # time at the end of that frame


def test_silence_and_line_noise_are_never_speech() -> None:
    for audio in (_silence(3.0), _silence(3.0, level=60.0)):
        results = _run(Vad(), audio)
        assert not any(r.is_speech or r.speech_started for r in results)


def test_hiss_is_rejected_by_the_zero_crossing_rate() -> None:
    white = np.random.default_rng(2).normal(0, 3000, RATE * 2)
    hiss = np.diff(white).astype(np.int16)  # high-passed: most energy near Nyquist
    assert not any(r.speech_started for r in _run(Vad(), hiss))


def test_onset_and_offset_timing() -> None:
    audio = np.concatenate([_silence(0.5, 40), _voiced(1.0), _silence(1.0, 40)])
    vad = Vad(start_ms=60, hangover_ms=400)
    results = _run(vad, audio)
    assert _event_ms(results, "speech_started") == [560]  # 500 ms of silence + 60 ms of voice
    (ended,) = _event_ms(results, "speech_ended")
    assert 1500 + 400 <= ended <= 1500 + 400 + 20
    assert all(r.is_speech for r in results[27:94]) and not results[26].is_speech
    assert results[0].rms < 100 < 4000 < results[40].rms


def test_a_click_does_not_start_speech() -> None:
    audio = np.concatenate([_silence(0.3), _voiced(0.02), _silence(0.5)])
    assert not any(r.speech_started for r in _run(Vad(start_ms=60), audio))


def test_a_pause_shorter_than_the_hangover_keeps_one_utterance() -> None:
    audio = np.concatenate([_silence(0.3), _voiced(0.6), _silence(0.25), _voiced(0.6, seed=3), _silence(0.8)])
    results = _run(Vad(hangover_ms=400), audio)
    assert len(_event_ms(results, "speech_started")) == 1
    assert len(_event_ms(results, "speech_ended")) == 1


def test_a_pause_longer_than_the_hangover_splits_utterances() -> None:
    audio = np.concatenate([_silence(0.3), _voiced(0.5), _silence(0.6), _voiced(0.5, seed=4), _silence(0.8)])
    results = _run(Vad(hangover_ms=300), audio)
    assert len(_event_ms(results, "speech_started")) == 2
    assert len(_event_ms(results, "speech_ended")) == 2


def test_quiet_speech_below_the_absolute_floor_is_ignored() -> None:
    audio = np.concatenate([_silence(0.3), _voiced(1.0, level=150.0), _silence(0.3)])
    assert not any(r.speech_started for r in _run(Vad(min_rms=300), audio))
    assert any(r.speech_started for r in _run(Vad(min_rms=50), audio))


def test_frame_size_and_rate_do_not_change_timing() -> None:
    audio16 = np.concatenate([_silence(0.5), _voiced(0.8), _silence(1.0)])
    audio8 = audio16[::2]
    vad = Vad()
    starts, ends = [], []
    for i in range(0, audio8.size - 80 + 1, 80):  # 10 ms frames at 8 kHz
        r = vad.process(audio8[i : i + 80].tobytes(), 8000)
        if r.speech_started:
            starts.append((i + 80) // 8)
        if r.speech_ended:
            ends.append((i + 80) // 8)
    assert starts == [560]
    assert len(ends) == 1 and 1700 <= ends[0] <= 1720


def test_empty_frame_and_reset() -> None:
    vad = Vad()
    assert vad.process(b"", RATE) == VadResult(False, False, False, 0.0)
    _run(vad, np.concatenate([_silence(0.2), _voiced(0.3)]))
    assert vad.in_speech
    vad.reset()
    assert not vad.in_speech


def test_a_steady_noisy_line_stops_counting_as_speech_and_speech_over_it_still_counts() -> None:
    t = np.arange(RATE * 6) / RATE
    hum = (1100 * np.sin(2 * np.pi * 100 * t)).astype(np.int16)  # ~780 RMS mains hum, low ZCR
    speech = _voiced(1.0, level=6000.0)
    audio = hum.copy()
    audio[RATE * 4 : RATE * 5] = np.clip(hum[RATE * 4 : RATE * 5].astype(np.int32) + speech, -32768, 32767)
    results = _run(Vad(noise_window_ms=2000, hangover_ms=400), audio)
    starts, ends = _event_ms(results, "speech_started"), _event_ms(results, "speech_ended")
    assert starts[0] <= 100 and ends[0] <= 2000 + 400 + 40  # the hum fooled it only until the floor caught up
    assert [s for s in starts if s > 1000] == [4060]  # the real speech, on top of the hum
    assert len(ends) == 2 and 5400 <= ends[1] <= 5460


def test_the_debouncer_both_detectors_share_starts_on_voice_within_its_window_and_ends_after_the_hangover() -> None:
    debounce = Debouncer(start_ms=60, start_window_ms=100, hangover_ms=100)
    # 20 ms frames: a lone voiced frame, a gap, then three voiced in five frames (60 ms within 100 ms) start speech.
    flags = [True, False, False, False, False, False, True, False, True, True]
    results = [debounce.step(20.0, v, 0.0) for v in flags]
    assert [i for i, r in enumerate(results) if r.speech_started] == [9]
    more = [debounce.step(20.0, False, 0.0) for _ in range(5)]
    assert [r.speech_ended for r in more] == [False, False, False, False, True] and not debounce.in_speech
    assert not debounce.step(20.0, True, 0.0).speech_started  # the start window began again at the end


async def test_energy_detector_processes_a_batch_as_frame_by_frame() -> None:
    audio = np.concatenate([_silence(0.3), _voiced(0.6), _silence(0.6)])
    frames = [audio[i : i + FRAME].tobytes() for i in range(0, audio.size - FRAME + 1, FRAME)]
    assert await Vad().process_frames(frames, RATE) == _run(Vad(), audio)

"""Benchmark the local speech engines on phone-quality audio.

Prints: codec per-frame cost; piper time-to-first-byte p50/p95/p99 and real-time factor;
pocketsphinx final delay after the end of speech (audio paced in real time); digit accuracy on
piper speech sent through 8 kHz mu-law, with and without the phone-capture hints.

    python -m benchmarks.speech_engines [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import numpy as np

from tests.helpers.voice_speech_eval import (
    CAPTURE_PHONE_HINTS,
    DIGIT_WORDS,
    PHONE_HINTS,
    PHONE_NUMBERS,
    digits_of,
    edit_distance,
    recognize,
    spoken_digits,
)
from voice_runtime.codec import Resampler, mulaw_to_pcm16, pcm16_to_mulaw
from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt
from voice_runtime.tts.piper_tts import PiperTts

PROMPTS = [
    "G'day, thanks for calling. Can I grab your name please?",
    "Thanks, Jane. What's the best number to reach you on?",
    "I have zero four one two, three four five, six seven eight. Is that right?",
    "No worries, I've fixed that. Is there anything else I can help with today?",
    "Sorry, I didn't catch that. Could you say it again?",
    "Perfect, someone from the team will call you back shortly. Have a great day!",
]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(values: list[float], unit: str = "ms") -> str:
    return f"p50 {pct(values, 50):.1f} {unit}  p95 {pct(values, 95):.1f} {unit}  p99 {pct(values, 99):.1f} {unit}"


def bench_codec() -> None:
    frame = (3000 * np.sin(np.arange(160) / 3)).astype(np.int16).tobytes()
    ulaw = pcm16_to_mulaw(frame)
    up, down = Resampler(8000, 16000), Resampler(16000, 8000)
    pcm16k = up.process(frame)
    for name, fn, arg in [
        ("mulaw->pcm16 (160 B)", mulaw_to_pcm16, ulaw),
        ("pcm16->mulaw (160 samples)", pcm16_to_mulaw, frame),
        ("resample 8k->16k (20 ms)", up.process, frame),
        ("resample 16k->8k (20 ms)", down.process, pcm16k),
    ]:
        times = []
        for _ in range(3000):
            start = time.perf_counter()
            fn(arg)
            times.append((time.perf_counter() - start) * 1e6)
        print(f"codec {name:28s} {summary(times, 'us')}")


async def bench_tts(tts: PiperTts, rounds: int) -> dict[str, bytes]:
    ttfb, rtf, audio = [], [], {}
    for _ in range(rounds):
        for text in PROMPTS:
            start = time.perf_counter()
            first = None
            chunks = []
            async for chunk in tts.synthesize(text):
                first = first or time.perf_counter() - start
                chunks.append(chunk)
            elapsed = time.perf_counter() - start
            audio[text] = b"".join(chunks)
            ttfb.append((first or elapsed) * 1000)
            rtf.append(elapsed / (len(audio[text]) / 8000))
    print(f"piper TTS time to first byte ({len(ttfb)} utterances): {summary(ttfb)}")
    speedup = 1 / pct(rtf, 50)
    print(f"piper TTS real-time factor: p50 {pct(rtf, 50):.3f}  p95 {pct(rtf, 95):.3f} ({speedup:.0f}x real time)")
    return audio


async def phone_pcm(tts: PiperTts, text: str) -> bytes:
    ulaw = b"".join([c async for c in tts.synthesize(text)])
    return Resampler(8000, 16000).process(mulaw_to_pcm16(ulaw))


async def bench_stt_delay(stt: PocketsphinxStt, tts: PiperTts, count: int) -> None:
    delays = []
    for number in PHONE_NUMBERS[:count]:
        session = await recognize(stt, await phone_pcm(tts, spoken_digits(number)), hints=PHONE_HINTS, realtime=True)
        finals = [i for i, t in enumerate(session.transcripts) if t.is_final]
        if finals and session.speech_end_sent_s is not None:
            delays.append((session.arrival_s[finals[0]] - session.speech_end_sent_s) * 1000)
    print(f"pocketsphinx final after the last voiced frame, real-time audio ({len(delays)}): {summary(delays)}")


async def bench_stt_concurrency(stt: PocketsphinxStt, tts: PiperTts, levels: list[int]) -> None:
    """N callers talking at once (real-time audio): how late do finals get?"""
    audio = [await phone_pcm(tts, spoken_digits(n)) for n in PHONE_NUMBERS]
    for level in levels:
        sessions = await asyncio.gather(
            *[recognize(stt, audio[i % len(audio)], hints=PHONE_HINTS, realtime=True) for i in range(level)]
        )
        delays = [
            (s.arrival_s[s.transcripts.index(s.finals[0])] - s.speech_end_sent_s) * 1000
            for s in sessions
            if s.finals and s.speech_end_sent_s is not None
        ]
        print(f"pocketsphinx {level:2d} concurrent real-time callers: final after last voiced frame {summary(delays)}")


async def bench_tts_concurrency(tts: PiperTts, level: int) -> None:
    """N agent utterances requested at once (one piper worker): time to first byte under contention."""

    async def first_byte(text: str) -> float:
        start = time.perf_counter()
        async for _ in tts.synthesize(text):
            return (time.perf_counter() - start) * 1000
        return (time.perf_counter() - start) * 1000

    ttfb = await asyncio.gather(*[first_byte(PROMPTS[i % len(PROMPTS)]) for i in range(level)])
    print(f"piper TTS time to first byte, {level} concurrent requests: {summary(list(ttfb))}")


async def bench_finalize(stt: PocketsphinxStt, tts: PiperTts, count: int) -> None:
    """The runtime ends a turn on its own VAD and calls finalize(): time from that call to the final."""
    latencies = []
    for number in PHONE_NUMBERS[:count]:
        pcm = await phone_pcm(tts, spoken_digits(number))
        stream = await stt.open(hints=PHONE_HINTS)
        started = time.perf_counter()
        for i in range(0, len(pcm), 640):
            await stream.send(pcm[i : i + 640])
            await asyncio.sleep(max(0.0, started + (i + 640) / 32000 - time.perf_counter()))
        called = time.perf_counter()
        await stream.finalize()
        latencies.append((time.perf_counter() - called) * 1000)
        await stream.close()
    print(f"pocketsphinx finalize() -> final queued, real-time audio ({len(latencies)}): {summary(latencies)}")


async def bench_accuracy(stt: PocketsphinxStt, tts: PiperTts, renders: int) -> None:
    for hints, label in (
        (PHONE_HINTS, "digit-word hints (JSGF)"),
        (CAPTURE_PHONE_HINTS, "capture phone hints incl. confirmations (JSGF)"),
        (None, "no hints, open language model"),
    ):
        errors = words = exact = total = 0
        for _ in range(renders):
            for number in PHONE_NUMBERS:
                session = await recognize(stt, await phone_pcm(tts, spoken_digits(number)), hints=hints)
                reference = [DIGIT_WORDS[int(d)] for d in number]
                hypothesis = digits_of(session.text)
                errors += edit_distance(reference, hypothesis)
                exact += hypothesis == reference
                words += len(reference)
                total += 1
        print(
            f"digits accuracy on phone audio, {label}: word {1 - errors / words:.1%} ({words} digits), "
            f"whole number {exact}/{total}"
        )


async def main(quick: bool) -> None:
    bench_codec()
    tts = PiperTts()
    await tts.warm_up()
    await bench_tts(tts, rounds=1 if quick else 3)
    await bench_tts_concurrency(tts, level=4)
    stt = PocketsphinxStt()
    await stt.warm_up()
    try:
        await bench_stt_delay(stt, tts, count=2 if quick else 6)
        await bench_finalize(stt, tts, count=2 if quick else 6)
        await bench_stt_concurrency(stt, tts, levels=[2] if quick else [2, 4, 8])
        await bench_accuracy(stt, tts, renders=1 if quick else 2)
    finally:
        stt.close()
        tts.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    asyncio.run(main(parser.parse_args().quick))

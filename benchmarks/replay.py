"""Replay speed against real time, on the shipped call fixtures (tests/fixtures/calls/*.json).

    python -m benchmarks.replay [--rounds N] [--engine scripted|settings]

Event replay: every fixture re-decided from its events (the pinned graph, the capture primitives, the dialogue),
`rounds` times; figures per call and how many times faster than the call lasted on the line.
Audio replay (`revos replay --audio`): the fixture's caller leg heard again by the VAD, the STT, the turn manager
and the dialogue on a virtual clock. `--engine scripted` releases the call's own transcripts on voiced audio (the
VAD and turn-taking are real); `--engine settings` builds whatever STT the deployment's settings pick.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import time
import wave
from pathlib import Path

from domain.replay.fixtures import CallFixture, check_fixture
from infra.settings import Settings
from voice_runtime.context import VoiceConfig
from voice_runtime.engines.factory import build_stt
from voice_runtime.stt.base import SpeechToText
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from workers.replay_audio import hear_again

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "calls"
# The tuning the fixtures were recorded with (tests/helpers/voice_worker.py FAST).
TUNING = {"voice_end_of_turn_silence_ms": 400, "voice_reprompt_after_seconds": 20.0, "voice_stt_final_timeout_ms": 800}


def load(path: Path) -> tuple[CallFixture, bytes]:
    fixture = CallFixture.model_validate(json.loads(path.read_text()))
    assert fixture.caller_audio is not None, path
    with wave.open(io.BytesIO((path.parent / fixture.caller_audio).read_bytes()), "rb") as w:
        return fixture, w.readframes(w.getnframes())


def call_seconds(fixture: CallFixture) -> float:
    times = [e.occurred_at for e in fixture.events]
    return (max(times) - min(times)).total_seconds()


def bench_events(fixtures: list[tuple[str, CallFixture]], rounds: int) -> None:
    for name, fixture in fixtures:
        samples = []
        for _ in range(rounds):
            began = time.perf_counter()
            report, problems = check_fixture(fixture)
            samples.append(time.perf_counter() - began)
            assert report.identical and not problems, (name, report.divergence, problems)
        median = statistics.median(samples)
        print(f"events  {name:40s} {len(fixture.events):4d} events  call {call_seconds(fixture):6.1f} s  "
              f"replay p50 {median * 1000:7.2f} ms  {call_seconds(fixture) / median:9.0f}x real time")


async def bench_audio(fixtures: list[tuple[str, CallFixture, bytes]], engine: str) -> None:
    settings = Settings().model_copy(update=TUNING)
    config = VoiceConfig.from_settings(settings)
    for name, fixture, pcm in fixtures:
        stt: SpeechToText = (ScriptedStt([ScriptLine(t, 300) for t in fixture.expected_transcripts])
                             if engine == "scripted" else build_stt(settings))
        warm = getattr(stt, "warm_up", None)
        if warm is not None:
            await warm()
        report = await hear_again(fixture.events, fixture.graph.graph(), (pcm, 8000), stt, config)
        close = getattr(stt, "close", None)
        if close is not None:
            close()
        print(f"audio   {name:40s} {engine}/{stt.name}: audio {report.audio_ms / 1000:6.1f} s  "
              f"wall {report.wall_ms / 1000:6.2f} s  {report.audio_ms / max(report.wall_ms, 1):5.1f}x real time  "
              f"{report.verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--engine", choices=["scripted", "settings"], default="scripted")
    args = parser.parse_args()
    loaded = [(p.stem, *load(p)) for p in sorted(FIXTURES.glob("*.json"))]
    bench_events([(name, fixture) for name, fixture, _ in loaded], args.rounds)
    asyncio.run(bench_audio(loaded, args.engine))


if __name__ == "__main__":
    main()

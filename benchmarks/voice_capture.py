"""How long the pure Voice Core takes per caller turn (it runs inside the real-time voice loop).

Run: python -m benchmarks.voice_capture [--rounds N]
Prints p50/p95/p99 per caller turn for each capture kind, for whole default-dialogue calls and for calls on the
plumber example's objective graph (a number volunteered early, a choice, a decline, a date, a correction during the
summary), and calls per second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from domain.objectives import ObjectiveGraph, compile_config
from domain.voice.capture import CallerTurn, CaptureConfig, CaptureKind, advance_capture, start_capture
from domain.voice.dialogue import on_caller_turn, start_dialogue

NOW = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
TZ = "Australia/Sydney"
SCRIPTS: dict[CaptureKind, list[str]] = {
    CaptureKind.PHONE: ["oh four one two, three four five, six seven eight", "no, the last digit is nine", "yes"],
    CaptureKind.EMAIL: ["john dot smith at gmail dot com", "nope, at hotmail dot com", "yep"],
    CaptureKind.ADDRESS: ["unit 2, 15 Smith Street, Newtown NSW 2042", "no, the postcode is 2043", "correct"],
    CaptureKind.DATE_TIME: ["next tuesday at half past two", "no, 3 pm", "that's right"],
    CaptureKind.NAME: ["my name is John Smith", "no, the surname is Smyth, S M Y T H", "yes"],
}
CALL = ["Yeah, my name is John Smith", "yep", "oh four one two, three four five, six seven eight",
        "no, the last digit is nine", "that's right", "yes"]  # fmt: skip
PLUMBER_CALL = ["My number is oh four one two, three four five, six seven eight", "Sorry, hi there, my name is Sam Lee",
                "yes", "I need a quote for a new bathroom", "yes", "no thanks", "tomorrow arvo", "yes",
                "no, the last digit is nine", "yes", "yes"]  # fmt: skip
PLUMBER = Path(__file__).parents[1] / "examples" / "tenants" / "harbour-plumbing.yaml"


def _percentiles(samples_ms: list[float]) -> str:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return f"p50 {cuts[49]:.3f} ms  p95 {cuts[94]:.3f} ms  p99 {cuts[98]:.3f} ms  max {max(samples_ms):.3f} ms"


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench_kind(kind: CaptureKind, rounds: int) -> list[float]:
    config = CaptureConfig(kind=kind)
    samples: list[float] = []
    for _ in range(rounds):
        step = start_capture(config)
        for text in SCRIPTS[kind]:
            before = time.perf_counter()
            step = advance_capture(config, step.state, CallerTurn(text=text), now=NOW, timezone=TZ)
            samples.append((time.perf_counter() - before) * 1000)
        assert step.outcome == "confirmed", step
    return samples


def bench_calls(rounds: int) -> tuple[list[float], list[float]]:
    turns: list[float] = []
    calls: list[float] = []
    for _ in range(rounds):
        call_start = time.perf_counter()
        step = start_dialogue(business_name="Bondi Plumbing")
        for text in CALL:
            before = time.perf_counter()
            step = on_caller_turn(step.state, CallerTurn(text=text), now=NOW, timezone=TZ)
            turns.append((time.perf_counter() - before) * 1000)
        calls.append((time.perf_counter() - call_start) * 1000)
        assert step.state.captured.get("phone") == "+61412345679", step
    return turns, calls


def bench_graph_calls(graph: ObjectiveGraph, rounds: int) -> tuple[list[float], list[float]]:
    turns: list[float] = []
    calls: list[float] = []
    for _ in range(rounds):
        call_start = time.perf_counter()
        step = start_dialogue(graph, business_open=True)
        for text in PLUMBER_CALL:
            before = time.perf_counter()
            step = on_caller_turn(step.state, CallerTurn(text=text), now=NOW, timezone=TZ)
            turns.append((time.perf_counter() - before) * 1000)
        calls.append((time.perf_counter() - call_start) * 1000)
        assert step.action == "speak_and_hangup" and step.state.captured.get("phone") == "+61412345679", step
    return turns, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    bench_kind(CaptureKind.PHONE, 5)  # warm imports and regex caches
    for kind in CaptureKind:
        print(f"advance_capture {kind.value:9s}  {_percentiles(bench_kind(kind, args.rounds))}")
    turns, calls = bench_calls(args.rounds)
    print(f"on_caller_turn (default call)  {_percentiles(turns)}")
    total_s = sum(calls) / 1000
    print(f"whole default call ({len(CALL)} turns)  {_percentiles(calls)}  -> {len(calls) / total_s:.0f} calls/s")
    turns, calls = bench_graph_calls(compile_config(PLUMBER.read_text(encoding="utf-8")).graph, args.rounds)
    print(f"on_caller_turn (plumber graph)  {_percentiles(turns)}")
    total_s = sum(calls) / 1000
    print(f"whole plumber call ({len(PLUMBER_CALL)} turns)  {_percentiles(calls)}  -> {len(calls) / total_s:.0f} "
          "calls/s")


if __name__ == "__main__":
    main()

"""Benchmark: compile time of tenant configurations (text -> validated graph -> canonical form -> hash).

Generated graphs of 10, 100 and 1,000 objectives shaped like real ones: captures of every kind, a choice every
tenth objective whose emergency option jumps to a transfer, conditions on the choice and on the business state,
optional and after-hours-skipped objectives. Each size is compiled from its YAML and from its JSON text.
Target: p95 under 50 ms at 100 objectives. Reported with CPython's default collector and with the one every revos
process runs (`tune_gc`). `--wall` measures onboarding itself instead: the plumber example from the onboarding call
to active, with all its smoke calls through the real voice worker (benchmarks/onboarding_wall.py).
Run: python -m benchmarks.onboarding [--sizes 10 100 1000] [--runs 50] | --wall [--concurrency 6]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import yaml

from benchmarks.common import percentile
from domain.objectives import compile_config
from infra.runtime import tune_gc

CAPTURES = ["capture_name", "capture_phone", "capture_email", "capture_address", "capture_datetime", "message"]
TARGET_MS_AT_100 = 50.0


def generated_document(size: int) -> dict[str, Any]:
    """A valid document with `size` objectives (the last two are an end and a transfer)."""
    steps = size - 2
    objectives: list[dict[str, Any]] = []
    last_choice: str | None = None
    for i in range(steps):
        objective: dict[str, Any] = {"id": f"o{i}", "type": CAPTURES[i % len(CAPTURES)]}
        if i % 10 == 1:
            last_choice = f"o{i}"
            objective.update(type="choice", prompt_topic="what you need help with", options={
                "emergency": ["burst pipe", "flooding", "emergency"], "quote": ["quote", "price"], "other": []})
            objective["next"] = [{"when": {last_choice: "emergency"}, "goto": "urgent"},
                                 {"goto": f"o{i + 1}" if i + 1 < steps else "done"}]
        elif last_choice is not None and i % 10 == 5:
            objective["next"] = [{"when": {last_choice: ["quote"], "business": "closed"}, "goto": "done"},
                                 {"goto": f"o{i + 1}" if i + 1 < steps else "done"}]
        objective["required"] = i % 4 != 3
        objective["when_closed"] = "skip" if i % 7 == 6 else "ask"
        objectives.append(objective)
    objectives += [{"id": "done", "type": "end"}, {"id": "urgent", "type": "transfer", "to": "escalation"}]
    return {
        "business": {"name": "Bench Plumbing", "timezone": "Australia/Sydney",
                     "hours": {d: ["07:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
                     "holidays": ["2026-12-25", "2026-12-26"], "service_area": ["Sydney"]},
        "numbers": ["+61290000001"], "escalation": {"transfer_to": "+61290000002"},
        "notifications": {"emails": ["office@bench.example"]}, "objectives": objectives,
        "integrations": [{"id": "crm", "type": "webhook", "url": "https://hooks.example/revos", "secret": "crm",
                          "on": ["lead.captured", "call.ended"]}],
    }


def measure(text: str, runs: int) -> list[float]:
    compile_config(text)  # warm caches (zone list, validators) outside the samples
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        compile_config(text)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def run(sizes: list[int], runs: int, label: str) -> float | None:
    """Print p50/p95 per size and format; return the worst p95 at 100 objectives (None if 100 is not a size)."""
    p95_at_100: float | None = None
    for size in sizes:
        document = generated_document(size)
        for fmt, text in (("yaml", yaml.safe_dump(document, sort_keys=False)), ("json", json.dumps(document))):
            assert len(compile_config(text).graph.nodes) == size
            ms = measure(text, runs if size <= 100 else max(5, runs // 5))
            p50, p95 = percentile(ms, 50), percentile(ms, 95)
            print(f"[{label}] compile {size:>5} objectives from {fmt:<4} ({len(text) / 1024:6.1f} KiB): "
                  f"n={len(ms):>3} p50={p50:8.2f} ms p95={p95:8.2f} ms max={max(ms):8.2f} ms")
            if size == 100:
                p95_at_100 = max(p95, p95_at_100 or 0.0)
    return p95_at_100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--wall", action="store_true", help="onboarding wall time (upload to active) instead")
    parser.add_argument("--example", default="harbour-plumbing.yaml", help="with --wall: the example to onboard")
    parser.add_argument("--concurrency", type=int, default=6, help="with --wall: smoke calls at once")
    args = parser.parse_args()
    if args.wall:
        from benchmarks.onboarding_wall import main as wall

        wall(args.example, args.concurrency)
        return
    run(args.sizes, args.runs, "default gc")
    tune_gc()  # what every revos process (API, worker) does at start
    p95_at_100 = run(args.sizes, args.runs, "revos gc")
    if p95_at_100 is not None:
        verdict = "met" if p95_at_100 < TARGET_MS_AT_100 else "NOT met"
        print(f"target p95 < {TARGET_MS_AT_100:.0f} ms at 100 objectives (revos gc): {verdict} ({p95_at_100:.2f} ms)")


if __name__ == "__main__":
    main()

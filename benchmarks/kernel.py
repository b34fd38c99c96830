"""Kernel cycle latency on large inputs: 10,000 metrics, 1,000 campaigns, 10,000 opportunities.

Two figures per run: `kernel` times run_cycle on an already-validated KernelInput (the pure kernel:
rules, snapshot, gates, diagnosis, actions, scoring, output validation); `parse+kernel` times it on
the JSON-shaped dict, including pydantic validation of the whole payload.

    python -m benchmarks.kernel [--cycles 50] [--metrics 10000] [--campaigns 1000] [--opportunities 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.kernel.catalog import DEFAULT_METRICS, default_dictionary, default_executors
from domain.kernel.inputs import KernelInput
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import KernelOutput
from infra.runtime import tune_gc

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
END = date(2026, 11, 24)
BASE = {"pipeline_total": 3e6, "bookings_new": 4e5, "cac_blended": 900, "gross_margin_pct": 55,
        "payback_months": 16, "revenue_per_fte": 2e5, "runway_months": 8, "arr": 5e6, "win_rate_pct": 22,
        "lead_to_opportunity_pct": 12, "marketing_spend": 1e5}


def make_input(n_metrics: int, n_campaigns: int, n_opps: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ids = [m.metric_id for m in DEFAULT_METRICS]
    metrics: list[dict[str, Any]] = []
    for i in range(n_metrics):
        metric_id = ids[i % len(ids)]
        point: dict[str, Any] = {"metric_id": metric_id, "value": BASE[metric_id] * rng.uniform(0.8, 1.2),
                                 "date": (END - timedelta(days=rng.randrange(30))).isoformat()}
        if metric_id == "cac_blended" and i % 3 == 0:
            point["dimension"] = {"segment": rng.choice(["smb", "mid", "ent"])}
        metrics.append(point)
    campaigns = [{"id": f"cmp-{i}", "name": f"Campaign {i}", "status": rng.choice(["active", "active", "paused"]),
                  "objective": "pipeline", "budget_total": rng.randrange(5_000, 200_000),
                  "budget_spent": rng.randrange(0, 5_000), "start_date": "2026-09-01"} for i in range(n_campaigns)]
    events = [{"id": f"rev-{i}", "type": "new_booking", "amount": rng.randrange(1_000, 50_000),
               "effective_date": (END - timedelta(days=rng.randrange(30))).isoformat(),
               "attributed_campaign_id": f"cmp-{rng.randrange(n_campaigns)}",
               "attributed_channel": rng.choice(["search", "events", "outbound", "partners"])} for i in range(2_000)]
    opps = [{"id": f"opp-{i}", "stage": rng.choice(["discovery", "proposal", "negotiation"]),
             "amount": rng.randrange(5_000, 150_000), "expected_close_date": "2027-01-15",
             "win_probability": rng.random()} for i in range(n_opps)]
    return {
        "tenant_id": "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f",
        "trigger": {"type": "scheduled", "source": "cron_daily", "triggered_at": NOW.isoformat()},
        "analysis_window": {"start_date": (END - timedelta(days=29)).isoformat(), "end_date": END.isoformat()},
        "targets": {"pipeline_total": 4e6, "bookings_new": 5e5, "cac_max": 1200},
        "guardrails": {"max_daily_spend": 5000, "allowed_levers": ["campaigns", "channels", "sequences", "pricing"]},
        "cfo_guardrails": {"payback_target_months": 12, "payback_tolerance_months": 2, "margin_floor_pct": 60,
                           "cash_risk_tolerance": "medium", "max_cac_by_segment": {"smb": 800, "ent": 3000}},
        "metrics": metrics, "revenue_events": events, "campaigns": campaigns, "opportunities": opps,
    }


def time_cycles(n: int, payload: Callable[[], Any]) -> list[float]:
    dictionary, executors = default_dictionary(), default_executors()
    out = []
    for i in range(n):
        body = payload()
        start = time.perf_counter()
        result = run_cycle(body, now=NOW, cycle_id=f"bench-{i}", dictionary=dictionary, executors=executors,
                           last_cycle_at=None)
        out.append((time.perf_counter() - start) * 1000)
        assert isinstance(result, KernelOutput), result
    return out


def report(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    print(f"{name:>13}: n={len(ms)} p50={q[49]:.1f} ms p95={q[94]:.1f} ms p99={q[98]:.1f} ms "
          f"max={max(ms):.1f} ms throughput={1000 / statistics.mean(ms):.1f} cycles/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--metrics", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    args = parser.parse_args()
    raw = make_input(args.metrics, args.campaigns, args.opportunities, seed=7)
    model = KernelInput.model_validate(raw)
    time_cycles(3, lambda: model)  # warm-up
    print(f"input: {args.metrics} metrics, {args.campaigns} campaigns, {args.opportunities} opportunities, "
          f"{len(raw['revenue_events'])} revenue events")
    kernel = time_cycles(args.cycles, lambda: model)
    report("kernel", kernel)
    report("parse+kernel, default gc", time_cycles(args.cycles, lambda: raw))
    tune_gc()  # what every revos process (API, worker) does at start
    parsed = time_cycles(args.cycles, lambda: raw)
    report("parse+kernel, revos gc", parsed)
    for name, samples in (("kernel", kernel), ("parse+kernel, revos gc", parsed)):
        met = statistics.quantiles(samples, n=100)[94] < 50
        print(f"target p95 < 50 ms ({name}): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Kernel payloads shaped as its I/O contract defines them, for tests: a valid base and small helpers to bend it."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.kernel.catalog import default_dictionary, default_executors
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import KernelResult

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TENANT = "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f"
END = date(2026, 11, 24)


def series(metric_id: str, values: list[float], end: date = END, **extra: Any) -> list[dict[str, Any]]:
    """Daily points ending on `end` (oldest first)."""
    n = len(values)
    return [{"metric_id": metric_id, "value": v, "date": (end - timedelta(days=n - 1 - i)).isoformat(), **extra}
            for i, v in enumerate(values)]


def payload(**overrides: Any) -> dict[str, Any]:
    """A valid input at `at` (default NOW): demand binds (pipeline 40% short), no gate fires, three campaigns.

    Other keyword arguments override the latest value of a metric, e.g. `payload(payback_months=20)`.
    """
    at: datetime = overrides.pop("at", NOW)
    metric_overrides: dict[str, float] = overrides
    end = at.date() - timedelta(days=1)
    latest = {"pipeline_total": 300_000.0, "bookings_new": 95_000.0, "cac_blended": 900.0, "gross_margin_pct": 70.0,
              "payback_months": 10.0, "revenue_per_fte": 180_000.0, "runway_months": 20.0, **metric_overrides}
    metrics = [p for k, v in latest.items() for p in series(k, [v, v, v], end)]
    return {
        "tenant_id": TENANT,
        "trigger": {"type": "scheduled", "source": "cron_daily",
                    "triggered_at": (at - timedelta(hours=1)).isoformat()},
        "analysis_window": {"start_date": (end - timedelta(days=29)).isoformat(), "end_date": end.isoformat()},
        "targets": {"pipeline_total": 500_000, "bookings_new": 100_000, "cac_max": 1200},
        "guardrails": {"max_daily_spend": 2000, "max_experiment_exposure_pct": 20,
                       "allowed_levers": ["campaigns", "channels", "sequences", "pricing"]},
        "cfo_guardrails": {"payback_target_months": 12, "payback_tolerance_months": 2, "margin_floor_pct": 60,
                           "cash_risk_tolerance": "medium", "runway_threshold_months": 9},
        "metrics": metrics,
        "revenue_events": [
            {"id": "rev-1", "type": "new_booking", "amount": 40_000, "effective_date": "2026-11-20",
             "attributed_campaign_id": "cmp-a", "attributed_channel": "paid_search"},
            {"id": "rev-2", "type": "new_booking", "amount": 30_000, "effective_date": "2026-11-21",
             "attributed_campaign_id": "cmp-b", "attributed_channel": "events"},
            {"id": "rev-3", "type": "expansion", "amount": 25_000, "effective_date": "2026-11-22",
             "attributed_channel": "paid_search"},
        ],
        "campaigns": [
            {"id": "cmp-a", "name": "Search Q4", "status": "active", "objective": "pipeline", "budget_total": 50_000,
             "budget_spent": 20_000, "start_date": "2026-10-01"},
            {"id": "cmp-b", "name": "Events", "status": "active", "objective": "pipeline", "budget_total": 80_000,
             "budget_spent": 60_000, "start_date": "2026-09-01", "end_date": "2026-12-31"},
            {"id": "cmp-c", "name": "Old", "status": "paused", "objective": "awareness", "budget_total": 10_000,
             "budget_spent": 10_000, "start_date": "2026-01-01"},
        ],
        "opportunities": [
            {"id": "opp-1", "stage": "proposal", "amount": 60_000, "expected_close_date": "2026-12-15",
             "win_probability": 0.5},
            {"id": "opp-2", "stage": "discovery", "amount": 20_000, "expected_close_date": "2027-01-20",
             "win_probability": 0.2},
        ],
    }


def bend(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy with `a.b.c` set to value (the sentinel DELETE removes it)."""
    out = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = out
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return out


DELETE = object()


def run(p: Any, *, now: datetime = NOW, last_cycle_at: datetime | None = None, tenant_exists: bool = True,
        cycle_id: str = "cycle-1") -> KernelResult:
    """run_cycle with the default dictionary and executor map."""
    return run_cycle(p, now=now, cycle_id=cycle_id, dictionary=default_dictionary(), executors=default_executors(),
                     last_cycle_at=last_cycle_at, tenant_exists=tenant_exists)

"""The kernel's input-rule table: each case's payload, the call's extras, and the code, status and text it must give.

The unit tests run it against the pure kernel; the integration tests run the same table over HTTP.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.helpers.kernel_payloads import DELETE, NOW, bend, payload

BASE = payload()
NO_CAC = {**BASE, "metrics": [m for m in BASE["metrics"] if m["metric_id"] != "cac_blended"]}

# (case, payload, kwargs, code, status, text the message must contain)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, int, str]] = [
    ("rule 1 tenant not in tenants", BASE, {"tenant_exists": False}, "TENANT_NOT_FOUND", 404, "tenant_id"),
    ("rule 2 trigger older than 24h", bend(BASE, "trigger.triggered_at", (NOW - timedelta(hours=24, seconds=1))
                                           .isoformat()), {}, "INVALID_INPUT", 400, "trigger.triggered_at"),
    ("rule 2 trigger in the future", bend(BASE, "trigger.triggered_at", (NOW + timedelta(minutes=6)).isoformat()),
     {}, "INVALID_INPUT", 400, "trigger.triggered_at"),
    ("rule 3 required metric missing", NO_CAC, {}, "INVALID_INPUT", 400, "cac_blended"),
    ("rule 3 metrics empty", bend(BASE, "metrics", []), {}, "INVALID_INPUT", 400, "pipeline_total"),
    ("rule 4 no target", bend(BASE, "targets", {}), {}, "INVALID_INPUT", 400, "targets"),
    ("rule 4 only null targets", bend(BASE, "targets", {"cac_max": None}), {}, "INVALID_INPUT", 400, "targets"),
    ("rule 5 no levers", bend(BASE, "guardrails.allowed_levers", []), {}, "INVALID_INPUT", 400,
     "guardrails.allowed_levers"),
    ("rule 6 payback target missing", bend(BASE, "cfo_guardrails.payback_target_months", DELETE), {},
     "INVALID_INPUT", 400, "cfo_guardrails.payback_target_months"),
    ("rule 6 margin floor missing", bend(BASE, "cfo_guardrails.margin_floor_pct", DELETE), {},
     "INVALID_INPUT", 400, "cfo_guardrails.margin_floor_pct"),
    ("rule 6 cfo_guardrails missing", bend(BASE, "cfo_guardrails", DELETE), {}, "INVALID_INPUT", 400,
     "cfo_guardrails"),
    ("schema bad trigger type", bend(BASE, "trigger.type", "hourly"), {}, "INVALID_INPUT", 400, "trigger.type"),
    ("schema tenant not a uuid", bend(BASE, "tenant_id", "acme"), {}, "INVALID_INPUT", 400, "tenant_id"),
    ("schema naive timestamp", bend(BASE, "trigger.triggered_at", "2026-11-25T11:00:00"), {}, "INVALID_INPUT",
     400, "trigger.triggered_at"),
    ("window reversed", bend(BASE, "analysis_window.start_date", "2026-12-30"), {}, "INVALID_INPUT", 400,
     "analysis_window"),
    ("cycle 11h59m ago", BASE, {"last_cycle_at": NOW - timedelta(hours=11, minutes=59)}, "CYCLE_TOO_RECENT", 429,
     "last cycle"),
    ("min sample 5 with 3 points", bend(BASE, "config", {"min_sample_size": 5}), {}, "INSUFFICIENT_DATA", 422,
     "pipeline_total has 3"),
    ("points outside the window", bend(BASE, "analysis_window.end_date", "2026-11-20"), {}, "INSUFFICIENT_DATA",
     422, "has 0"),
]

"""Input validation (rules 1-6), CYCLE_TOO_RECENT, INSUFFICIENT_DATA and output validation (rules 1-7).

Order of checks, first failure wins: schema -> rule 1 (404) -> rules 2-6 and the window order (400)
-> CYCLE_TOO_RECENT (429) -> INSUFFICIENT_DATA (422). Output rules run on every output; a failure is
an INTERNAL_ERROR (500), never a malformed response.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from domain.kernel.catalog import ECONOMIC_METRICS, REQUIRED_METRICS, ExecutorMap, MetricDictionary
from domain.kernel.inputs import KernelInput
from domain.kernel.outputs import KernelError, KernelOutput
from domain.kernel.types import CONSTRAINTS

TRIGGER_MAX_AGE = timedelta(hours=24)
# A trigger stamped slightly in the future (clock skew between caller and kernel) is accepted.
TRIGGER_CLOCK_SKEW = timedelta(minutes=5)
MIN_CYCLE_INTERVAL = timedelta(hours=12)
DEFAULT_MIN_SAMPLE_SIZE = 3
RULE6_FIELDS = ("payback_target_months", "margin_floor_pct")


def invalid(message: str, **details: Any) -> KernelError:
    """An INVALID_INPUT error (HTTP 400)."""
    return KernelError(code="INVALID_INPUT", message=message, details=details or None)


def schema_error(error: ValidationError) -> KernelError:
    """A schema failure as INVALID_INPUT naming every bad field; rule 6 is named as such."""
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    rule6_fields = {"cfo_guardrails", *(f"cfo_guardrails.{f}" for f in RULE6_FIELDS)}
    rule6 = [p["field"] for p in problems if p["type"] == "missing" and p["field"] in rule6_fields]
    if rule6:
        return invalid(f"rule 6: cfo_guardrails must include {', '.join(rule6)}", rule=6, fields=rule6,
                       errors=problems)
    fields = ", ".join(p["field"] or "<body>" for p in problems[:10])
    return invalid(f"input does not match KernelInput: {fields}", rule="schema", errors=problems)


def check_rules(inp: KernelInput, now: datetime, tenant_exists: bool) -> KernelError | None:
    """Input validation rules 1-6 in the contract's order, plus the window order."""
    if not tenant_exists:
        return KernelError(code="TENANT_NOT_FOUND", message=f"tenant_id {inp.tenant_id} is not in the tenants table",
                           details={"rule": 1, "field": "tenant_id"})
    age = now - inp.trigger.triggered_at
    if age > TRIGGER_MAX_AGE or age < -TRIGGER_CLOCK_SKEW:
        return invalid("rule 2: trigger.triggered_at must be within the last 24 hours",
                       rule=2, field="trigger.triggered_at", age_seconds=age.total_seconds())
    present = {m.metric_id for m in inp.metrics}
    missing = [m for m in REQUIRED_METRICS if m not in present]
    if missing:
        return invalid(f"rule 3: metrics must include {', '.join(missing)}", rule=3, field="metrics", missing=missing)
    if all(v is None for v in inp.targets.model_dump().values()):
        return invalid("rule 4: targets must define at least one target", rule=4, field="targets")
    if not inp.guardrails.allowed_levers:
        return invalid("rule 5: guardrails.allowed_levers must not be empty", rule=5,
                       field="guardrails.allowed_levers")
    if inp.analysis_window.start_date > inp.analysis_window.end_date:
        return invalid("analysis_window.start_date must not be after analysis_window.end_date",
                       rule="window", field="analysis_window")
    return None


def check_recency(now: datetime, last_cycle_at: datetime | None) -> KernelError | None:
    """CYCLE_TOO_RECENT (429) when the tenant's last completed cycle ran under 12 hours ago."""
    if last_cycle_at is None or now - last_cycle_at >= MIN_CYCLE_INTERVAL:
        return None
    retry_at = last_cycle_at + MIN_CYCLE_INTERVAL
    return KernelError(code="CYCLE_TOO_RECENT", message=f"the last cycle ran at {last_cycle_at.isoformat()}; "
                       f"the next may run from {retry_at.isoformat()}",
                       details={"last_cycle_at": last_cycle_at.isoformat(), "retry_at": retry_at.isoformat()})


def min_sample_size(inp: KernelInput) -> int:
    """config.min_sample_size, or 3 data points."""
    configured = inp.config.min_sample_size if inp.config else None
    return configured if configured is not None and configured > 0 else DEFAULT_MIN_SAMPLE_SIZE


def check_sufficiency(inp: KernelInput) -> KernelError | None:
    """INSUFFICIENT_DATA (422): every required metric needs `min_sample_size` points dated inside the window.

    Points with a dimension count too (a per-segment value is still a measurement of the metric).
    """
    start, end = inp.analysis_window.start_date, inp.analysis_window.end_date
    counts = dict.fromkeys(REQUIRED_METRICS, 0)
    for m in inp.metrics:
        if m.metric_id in counts and start <= m.date <= end:
            counts[m.metric_id] += 1
    need = min_sample_size(inp)
    short = {k: v for k, v in counts.items() if v < need}
    if not short:
        return None
    names = ", ".join(f"{k} has {v}" for k, v in short.items())
    return KernelError(code="INSUFFICIENT_DATA",
                       message=f"need {need} data points per required metric in the analysis window; {names}",
                       details={"min_sample_size": need, "points_in_window": counts})


def output_violations(out: KernelOutput, dictionary: MetricDictionary, executors: ExecutorMap) -> list[str]:
    """Output validation rules 1-7 (plus: experiment design iff type experiment); empty means valid."""
    problems: list[str] = []
    if not 1 <= len(out.actions) <= 7:
        problems.append(f"rule 1: actions has {len(out.actions)} items, must have 1-7")
    for a in out.actions:
        if a.target_metric not in dictionary:
            problems.append(f"rule 2: action {a.action_id} target_metric {a.target_metric!r} is not in the dictionary")
        if a.owner_subsystem not in executors:
            problems.append(f"rule 3: action {a.action_id} owner_subsystem {a.owner_subsystem!r} has no executor")
        if not isinstance(a.cfo_score, float | int) or not math.isfinite(a.cfo_score):
            problems.append(f"rule 6: action {a.action_id} has no cfo_score")
        if (a.type == "experiment") != (a.experiment is not None):
            problems.append(f"experiment: action {a.action_id} must carry an experiment design iff type is experiment")
    if out.cycle_summary.binding_constraint not in CONSTRAINTS:
        problems.append(f"rule 4: binding_constraint {out.cycle_summary.binding_constraint!r} is not allowed")
    ids = [a.action_id for a in out.actions]
    if len(set(ids)) != len(ids):
        problems.append("rule 5: action_id values are not unique")
    if not out.learning_plan.economic_metrics_to_monitor:
        problems.append("rule 7: learning_plan.economic_metrics_to_monitor is empty")
    return problems


def economic_metrics() -> list[str]:
    """The economic metrics every learning plan monitors."""
    return list(ECONOMIC_METRICS)


def parse_input(payload: KernelInput | Mapping[str, Any]) -> KernelInput | KernelError:
    """A validated KernelInput, or INVALID_INPUT naming the bad fields."""
    if isinstance(payload, KernelInput):
        return payload
    try:
        return KernelInput.model_validate(payload)
    except ValidationError as error:
        return schema_error(error)

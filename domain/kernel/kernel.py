"""The kernel: one pure function from a KernelInput (and its context) to a KernelOutput or a KernelError.

`run_cycle` never raises: schema and rule failures are KernelErrors with the contract's codes, an
output that fails output validation is INTERNAL_ERROR, and so is any unexpected exception.
Time (`now`), the cycle id and the tenant's facts (exists, last cycle) are arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.kernel.actions import build_action, candidate_templates, make_plan, rank
from domain.kernel.catalog import ECONOMIC_METRICS, REQUIRED_METRICS, ExecutorMap, MetricDictionary
from domain.kernel.diagnosis import Diagnosis, diagnose, evaluate_gates, segments_over_cap
from domain.kernel.entities import choose_entities
from domain.kernel.inputs import KernelInput
from domain.kernel.outputs import (
    Action,
    CycleSummary,
    DataQualityAction,
    ExpectedOutcome,
    KernelError,
    KernelOutput,
    KernelResult,
    LearningPlan,
)
from domain.kernel.snapshot import Snapshot, build_snapshot
from domain.kernel.types import VERSION, Gate
from domain.kernel.validation import (
    check_recency,
    check_rules,
    check_sufficiency,
    invalid,
    min_sample_size,
    output_violations,
    parse_input,
)

CORE_METRICS = (*REQUIRED_METRICS, "gross_margin_pct", "payback_months", "revenue_per_fte", "runway_months")


def run_cycle(
    payload: KernelInput | Mapping[str, Any],
    *,
    now: datetime,
    cycle_id: str,
    dictionary: MetricDictionary,
    executors: ExecutorMap,
    last_cycle_at: datetime | None,
    tenant_exists: bool = True,
) -> KernelResult:
    """Run one revenue cycle; returns KernelOutput or KernelError and never raises."""
    try:
        return _run(payload, now, cycle_id, dictionary, executors, last_cycle_at, tenant_exists)
    except Exception as exc:  # the contract promises an answer, never an exception
        return KernelError(code="INTERNAL_ERROR", message=f"unexpected failure: {type(exc).__name__}",
                           details={"exception": type(exc).__name__, "detail": str(exc)[:500]})


def _run(payload: KernelInput | Mapping[str, Any], now: datetime, cycle_id: str, dictionary: MetricDictionary,
         executors: ExecutorMap, last_cycle_at: datetime | None, tenant_exists: bool) -> KernelResult:
    inp = parse_input(payload)
    if isinstance(inp, KernelError):
        return inp
    error = check_rules(inp, now, tenant_exists) or check_recency(now, last_cycle_at) or check_sufficiency(inp)
    if error:
        return error
    snap = build_snapshot(inp, dictionary)
    gates = evaluate_gates(inp, snap)
    diagnosis = diagnose(inp, snap, gates)
    actions = propose(inp, snap, gates, diagnosis)
    if not actions:
        return invalid("no action survives guardrails.allowed_levers, guardrails.blocked_actions and the CFO gates",
                       rule="guardrails", field="guardrails", binding_constraint=diagnosis.constraint,
                       cfo_gates_triggered=list(gates))
    output = assemble(inp, now, cycle_id, snap, gates, diagnosis, actions)
    problems = output_violations(output, dictionary, executors)
    if problems:
        return KernelError(code="INTERNAL_ERROR", message="output failed validation: " + "; ".join(problems[:5]),
                           details={"violations": problems})
    return output


def propose(inp: KernelInput, snap: Snapshot, gates: list[Gate], diagnosis: Diagnosis) -> list[Action]:
    """Ranked actions for the binding constraint (see domain.kernel.actions)."""
    entities = choose_entities(inp, segments_over_cap(inp, snap))
    plan = make_plan(inp, gates, entities)
    built = (build_action(t, inp, snap, entities, plan, gates)
             for t in candidate_templates(inp, diagnosis.constraint, gates))
    return rank([a for a in built if a is not None], gates)


def cycle_confidence(inp: KernelInput, snap: Snapshot, diagnosis: Diagnosis) -> float:
    """0.3 + 0.4 x completeness + 0.3 x depth, halved when data quality binds.

    completeness: share of the seven core metrics with a valid current value; depth: the fewest
    in-window points among the required metrics over twice min_sample_size, capped at 1.
    """
    completeness = sum(1 for m in CORE_METRICS if snap.get(m) is not None) / len(CORE_METRICS)
    start, end = inp.analysis_window.start_date, inp.analysis_window.end_date
    counts = dict.fromkeys(REQUIRED_METRICS, 0)
    for m in inp.metrics:
        if m.metric_id in counts and start <= m.date <= end:
            counts[m.metric_id] += 1
    depth = min(1.0, min(counts.values()) / (2 * min_sample_size(inp)))
    value = 0.3 + 0.4 * completeness + 0.3 * depth
    return round(value * (0.5 if diagnosis.constraint == "data_quality" else 1.0), 4)


def data_quality_actions(snap: Snapshot) -> list[DataQualityAction]:
    """One fix per data issue, blocking issues first."""
    out: list[DataQualityAction] = []
    for i, issue in enumerate(snap.issues, start=1):
        out.append(DataQualityAction(action_id=f"dq_{issue.issue_type}@{issue.metric}", priority=i,
                                     issue_type=issue.issue_type, affected_metric=issue.metric,
                                     description=issue.description, recommended_fix=issue.fix))
    return out


def learning_plan(diagnosis: Diagnosis, actions: list[Action], gates: list[Gate]) -> LearningPlan:
    """Monitor the priority metric and every action's target; the economic metrics always."""
    monitored = list(dict.fromkeys([diagnosis.priority_metric, *(a.target_metric for a in actions)]))
    outcomes: dict[str, ExpectedOutcome] = {}
    for a in actions:
        outcomes.setdefault(a.target_metric, ExpectedOutcome(metric_id=a.target_metric,
                                                             direction=a.expected_impact.direction,
                                                             magnitude_pct=a.expected_impact.magnitude_pct))
    if "cash_constrained" in gates:
        outcomes.setdefault("runway_months", ExpectedOutcome(metric_id="runway_months", direction="stabilize"))
    return LearningPlan(metrics_to_monitor=monitored, economic_metrics_to_monitor=list(ECONOMIC_METRICS),
                        observation_window_days=min(a.observation_window_days for a in actions),
                        expected_outcomes=list(outcomes.values()))


def assemble(inp: KernelInput, now: datetime, cycle_id: str, snap: Snapshot, gates: list[Gate],
             diagnosis: Diagnosis, actions: list[Action]) -> KernelOutput:
    """The KernelOutput for a diagnosed, actioned cycle."""
    summary = CycleSummary(binding_constraint=diagnosis.constraint, priority_metric=diagnosis.priority_metric,
                           diagnosis=diagnosis.reason, confidence=cycle_confidence(inp, snap, diagnosis),
                           cfo_gates_triggered=list(gates))
    dq = data_quality_actions(snap) if diagnosis.constraint == "data_quality" else None
    return KernelOutput(tenant_id=str(inp.tenant_id), cycle_id=cycle_id, executed_at=now, version=VERSION,
                        cycle_summary=summary, actions=actions, data_quality_actions=dq,
                        learning_plan=learning_plan(diagnosis, actions, gates))

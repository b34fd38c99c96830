"""Property: any input the schema accepts yields an output passing every output rule, or a KernelError.

Never an exception, and never INTERNAL_ERROR (with the seeded dictionary and executor map an
INTERNAL_ERROR would be a kernel bug hidden by run_cycle's safety net).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from domain.kernel.catalog import DEFAULT_METRICS, default_dictionary, default_executors
from domain.kernel.inputs import KernelInput
from domain.kernel.library import LIBRARY
from domain.kernel.outputs import KernelError, KernelOutput, dump_contract
from domain.kernel.validation import output_violations
from infra.kernel_schema_files import SCHEMA_DIR
from tests.helpers.kernel_payloads import NOW, run

OUTPUT_SCHEMA = Draft202012Validator(json.loads((SCHEMA_DIR / "KernelOutput.json").read_text()))
METRIC_IDS = [m.metric_id for m in DEFAULT_METRICS] + ["custom_metric"]
DAY0 = date(2026, 10, 1)

num = st.floats(min_value=-1e7, max_value=1e9, allow_nan=False, allow_infinity=False)
small = st.floats(min_value=-50, max_value=200, allow_nan=False, allow_infinity=False)
money = st.decimals(min_value=-1000, max_value=10**7, allow_nan=False, allow_infinity=False, places=2)
days = st.integers(min_value=0, max_value=70).map(lambda n: (DAY0 + timedelta(days=n)).isoformat())
positive = st.floats(min_value=0, max_value=1e6, allow_nan=False)
ident = st.text(alphabet="abcdefgh123-", min_size=1, max_size=6)


def metric() -> st.SearchStrategy[dict[str, Any]]:
    dimension = st.one_of(st.none(), st.fixed_dictionaries({"segment": st.sampled_from(["smb", "mid", "ent"])}))
    return st.fixed_dictionaries({"metric_id": st.sampled_from(METRIC_IDS), "value": num, "date": days},
                                 optional={"dimension": dimension})


def required_series() -> st.SearchStrategy[list[dict[str, Any]]]:
    point = st.fixed_dictionaries({"metric_id": st.sampled_from(["pipeline_total", "bookings_new", "cac_blended",
                                                                 "payback_months", "gross_margin_pct",
                                                                 "runway_months"]),
                                   "value": positive | small | num, "date": days})
    return st.lists(point, min_size=0, max_size=40)


def optional(d: dict[str, Any]) -> dict[str, st.SearchStrategy[Any]]:
    return {k: st.one_of(st.none(), v) for k, v in d.items()}


targets = st.fixed_dictionaries({}, optional=optional({
    "pipeline_total": money, "bookings_new": money, "arr_target": money, "cac_max": money,
    "payback_max_months": small, "gross_margin_min": small}))
guardrails = st.fixed_dictionaries(
    {"allowed_levers": st.lists(st.sampled_from(["campaigns", "channels", "sequences", "pricing"]), min_size=1,
                                max_size=4)},
    optional=optional({"max_daily_spend": money, "max_experiment_exposure_pct": small,
                       "blocked_actions": st.lists(st.sampled_from(
                           ["scale", "pause", "experiment", "config_change", "revert", *[t.key for t in LIBRARY]]),
                           max_size=4)}))
cfo = st.fixed_dictionaries(
    {"payback_target_months": small, "payback_tolerance_months": small, "margin_floor_pct": small,
     "cash_risk_tolerance": st.sampled_from(["low", "medium", "high"])},
    optional=optional({"runway_threshold_months": small,
                       "max_cac_by_segment": st.dictionaries(st.sampled_from(["smb", "mid", "ent"]), money)}))
revenue_event = st.fixed_dictionaries(
    {"id": ident, "type": st.sampled_from(["new_booking", "expansion", "refund"]), "amount": money,
     "effective_date": days},
    optional=optional({"attributed_campaign_id": ident, "attributed_channel": st.sampled_from(["search", "events"])}))
campaign = st.fixed_dictionaries(
    {"id": ident, "name": ident, "status": st.sampled_from(["active", "paused", "running", "ended"]),
     "objective": ident, "budget_total": money, "budget_spent": money, "start_date": days},
    optional=optional({"end_date": days}))
opportunity = st.fixed_dictionaries(
    {"id": ident, "stage": ident, "amount": money, "expected_close_date": days,
     "win_probability": st.floats(-1, 2, allow_nan=False)})
action_result = st.fixed_dictionaries(
    {"action_id": st.sampled_from([t.key for t in LIBRARY]).flatmap(lambda k: st.sampled_from([k, f"{k}@x"])),
     "target_metric": st.sampled_from(METRIC_IDS), "baseline_value": num, "observed_value": num, "delta": num,
     "confidence": small, "outcome": st.sampled_from(["successful", "failed", "inconclusive"])},
    optional={"economic_deltas": st.fixed_dictionaries({}, optional=optional({"delta_cac": small}))})
config = st.fixed_dictionaries({}, optional=optional({
    "min_sample_size": st.integers(-2, 8), "default_observation_window_days": st.integers(-5, 60),
    "risk_tolerance": st.sampled_from(["low", "medium", "high"])}))


def rare(draw: st.DrawFn) -> bool:
    """True about one time in ten (the error branches of the generator)."""
    return draw(st.integers(0, 9)) == 9


@st.composite
def healthy(draw: st.DrawFn, start: int, end: int) -> list[dict[str, Any]]:
    """Usually: 3-5 in-window points of each required metric, so most examples reach the action logic."""
    if end < start or rare(draw):
        return []
    out = []
    for metric_id in ("pipeline_total", "bookings_new", "cac_blended"):
        for _ in range(draw(st.integers(3, 5))):
            out.append({"metric_id": metric_id, "value": draw(positive | small),
                        "date": (DAY0 + timedelta(days=draw(st.integers(max(start, end - 6), end)))).isoformat()})
    return out


@st.composite
def kernel_inputs(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(0, 60))
    end = start + draw(st.integers(-3, 40) if rare(draw) else st.integers(3, 30))
    hours_ago = draw(st.floats(-0.2, 30) if rare(draw) else st.floats(0, 23.9))
    body: dict[str, Any] = {
        "tenant_id": "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f",
        "trigger": {"type": draw(st.sampled_from(["scheduled", "metric_deviation", "lifecycle_event", "manual"])),
                    "source": draw(ident), "triggered_at": (NOW - timedelta(hours=hours_ago)).isoformat()},
        "analysis_window": {"start_date": (DAY0 + timedelta(days=start)).isoformat(),
                            "end_date": (DAY0 + timedelta(days=end)).isoformat()},
        "targets": draw(targets) if rare(draw) else {**draw(targets), "bookings_new": draw(money)},
        "guardrails": draw(guardrails), "cfo_guardrails": draw(cfo),
        "metrics": draw(required_series()) + draw(st.lists(metric(), max_size=15)) + draw(healthy(start, end)),
        "revenue_events": draw(st.lists(revenue_event, max_size=6)),
        "campaigns": draw(st.lists(campaign, max_size=5)),
        "opportunities": draw(st.lists(opportunity, max_size=5)),
    }
    if rare(draw):
        body["guardrails"]["allowed_levers"] = []
    if draw(st.booleans()):
        body["recent_action_results"] = draw(st.lists(action_result, max_size=4))
    if draw(st.booleans()):
        body["config"] = draw(config)
    return body


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=kernel_inputs(), last_hours=st.one_of(st.none(), st.none(), st.floats(0, 48)),
       exists=st.sampled_from([True] * 9 + [False]))
def test_any_schema_valid_input_gives_a_valid_output_or_a_kernel_error(
    body: dict[str, Any], last_hours: float | None, exists: bool
) -> None:
    KernelInput.model_validate(body)  # the generator only produces schema-accepted inputs
    last = NOW - timedelta(hours=last_hours) if last_hours is not None else None
    result = run(body, last_cycle_at=last, tenant_exists=exists)
    label = result.message[:40] if isinstance(result, KernelError) else result.cycle_summary.binding_constraint
    event(label)
    if isinstance(result, KernelError):
        assert result.code != "INTERNAL_ERROR", result.message
        return
    assert isinstance(result, KernelOutput)
    assert output_violations(result, default_dictionary(), default_executors()) == []
    wire = dump_contract(result)
    OUTPUT_SCHEMA.validate(wire)
    assert KernelOutput.model_validate(wire) == result
    assert [a.priority for a in result.actions] == list(range(1, len(result.actions) + 1))

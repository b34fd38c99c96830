"""CFO gates: when each fires (boundaries) and what each does to the actions."""

from __future__ import annotations

from typing import Any

import pytest

from domain.kernel.library import BY_KEY
from domain.kernel.outputs import KernelOutput
from tests.helpers.kernel_payloads import DELETE, bend, payload, run


def output(p: dict[str, Any]) -> KernelOutput:
    result = run(p)
    assert isinstance(result, KernelOutput), result
    return result


def tags(o: KernelOutput) -> list[frozenset[str]]:
    return [BY_KEY[a.action_id.split("@")[0]].tags for a in o.actions]


# payback target 12 + tolerance 2, margin floor 60, runway threshold 9 (medium)
@pytest.mark.parametrize(("metrics", "cfo", "gates"), [
    ({"payback_months": 14.0}, {}, []),
    ({"payback_months": 14.01}, {}, ["payback_exceeded"]),
    ({"gross_margin_pct": 60.0}, {}, []),
    ({"gross_margin_pct": 59.9}, {}, ["margin_below_floor"]),
    ({"runway_months": 9.0}, {}, []),
    ({"runway_months": 8.9}, {}, ["cash_constrained"]),
    ({"runway_months": 11.0}, {"runway_threshold_months": DELETE, "cash_risk_tolerance": "low"},
     ["cash_constrained"]),
    ({"runway_months": 8.0}, {"runway_threshold_months": DELETE, "cash_risk_tolerance": "medium"},
     ["cash_constrained"]),
    ({"runway_months": 8.0}, {"runway_threshold_months": DELETE, "cash_risk_tolerance": "high"}, []),
    ({"payback_months": 30.0, "gross_margin_pct": 10.0, "runway_months": 1.0}, {},
     ["payback_exceeded", "margin_below_floor", "cash_constrained"]),
])
def test_gate_trigger_conditions(metrics: dict[str, float], cfo: dict[str, Any], gates: list[str]) -> None:
    p = payload(**metrics)
    for key, value in cfo.items():
        p = bend(p, f"cfo_guardrails.{key}", value)
    assert output(p).cycle_summary.cfo_gates_triggered == gates


def test_absent_gate_metric_cannot_trigger_its_gate() -> None:
    p = payload()
    p["metrics"] = [m for m in p["metrics"] if m["metric_id"] != "runway_months"]
    p = bend(p, "cfo_guardrails.runway_threshold_months", 1000)
    assert output(p).cycle_summary.cfo_gates_triggered == []


def test_without_gates_demand_scaling_is_recommended() -> None:
    o = output(payload())
    assert o.cycle_summary.binding_constraint == "demand"
    assert any("demand_scaling" in t for t in tags(o))
    assert any("channel_scaling" in t for t in tags(o))


def test_payback_exceeded_suppresses_demand_scaling_and_prefers_conversion_efficiency() -> None:
    o = output(payload(payback_months=20))
    assert o.cycle_summary.binding_constraint == "demand"
    assert not any("demand_scaling" in t for t in tags(o))
    assert {"conversion", "efficiency"} & tags(o)[0]
    preferred = [bool({"conversion", "efficiency"} & t) for t in tags(o)]
    assert preferred == sorted(preferred, reverse=True), "preferred actions rank first"


def test_margin_below_floor_blocks_channel_scaling_and_prioritizes_pricing_cost() -> None:
    o = output(payload(gross_margin_pct=40))
    assert not any("channel_scaling" in t for t in tags(o))
    assert {"pricing", "cost"} & tags(o)[0]
    assert any(a.owner_subsystem == "pricing" for a in o.actions)
    preferred = [bool({"pricing", "cost"} & t) for t in tags(o)]
    assert preferred == sorted(preferred, reverse=True)


def test_cash_constrained_caps_spend_halves_exposure_and_shortens_windows() -> None:
    free, tight = output(payload()), output(payload(runway_months=3))
    cap = 2000 * 7 * 0.5  # 0.5 x max_daily_spend x 7 days
    assert all(a.guardrails.max_additional_spend is not None for a in tight.actions)
    assert all(float(a.guardrails.max_additional_spend or 0) <= cap for a in tight.actions)
    assert all(a.observation_window_days <= 7 for a in tight.actions)
    assert tight.learning_plan.observation_window_days <= 7
    assert max(a.observation_window_days for a in free.actions) == 14
    exposures = {a.guardrails.max_exposure_percent for a in tight.actions if a.type == "experiment"}
    assert exposures == {10.0}
    assert {a.guardrails.max_exposure_percent for a in free.actions if a.type == "experiment"} == {20.0}


def test_cash_constrained_without_daily_cap_drops_spend_adding_actions() -> None:
    p = bend(payload(runway_months=3), "guardrails.max_daily_spend", DELETE)
    o = output(p)
    assert all(float(a.guardrails.max_additional_spend or 0) == 0 for a in o.actions)
    assert all(BY_KEY[a.action_id.split("@")[0]].spend == 0 for a in o.actions)


def test_blocked_actions_and_disallowed_levers_are_removed() -> None:
    p = bend(payload(), "guardrails.blocked_actions", ["experiment", "scale_top_campaign"])
    p = bend(p, "guardrails.allowed_levers", ["campaigns", "channels"])
    o = output(p)
    assert all(a.type != "experiment" for a in o.actions)
    assert all(not a.action_id.startswith("scale_top_campaign") for a in o.actions)
    assert all(BY_KEY[a.action_id.split("@")[0]].lever in {"campaigns", "channels"} for a in o.actions)

"""Optional input fields the kernel reads: config.risk_tolerance, arr_target, campaign end dates, stages."""

from __future__ import annotations

from typing import Any

import pytest

from domain.kernel.catalog import default_dictionary, default_executors
from domain.kernel.outputs import KernelOutput
from domain.kernel.validation import output_violations
from tests.helpers.kernel_payloads import DELETE, bend, payload, run


def output(p: dict[str, Any]) -> KernelOutput:
    result = run(p)
    assert isinstance(result, KernelOutput), result
    return result


def exposures(o: KernelOutput) -> set[float | None]:
    return {a.guardrails.max_exposure_percent for a in o.actions if a.type == "experiment"}


@pytest.mark.parametrize(("risk", "ceiling", "expected"), [
    ("low", 20, 10.0), ("medium", 20, 20.0), ("high", 20, 20.0),
    ("low", DELETE, 10.0), ("medium", DELETE, 20.0), ("high", DELETE, 30.0),
])
def test_config_risk_tolerance_scales_experiment_exposure(risk: str, ceiling: Any, expected: float) -> None:
    p = bend(bend(payload(), "config", {"risk_tolerance": risk}), "guardrails.max_experiment_exposure_pct", ceiling)
    assert exposures(output(p)) == {expected}


def test_arr_target_alone_drives_the_demand_gap() -> None:
    p = bend(payload(), "targets", {"arr_target": 1_000_000})
    p["metrics"] += [{"metric_id": "arr", "value": 600_000, "date": p["analysis_window"]["end_date"]}]
    o = output(p)
    assert o.cycle_summary.binding_constraint == "demand" and "40%" in o.cycle_summary.diagnosis


def test_a_campaign_that_ended_before_the_window_end_is_not_scaled() -> None:
    p = bend(payload(), "campaigns.0.end_date", "2026-11-01")
    ids = {a.target_entity.id for a in output(p).actions if a.target_entity and a.target_entity.type == "campaign"}
    assert "cmp-a" not in ids
    assert "cmp-a" in {a.target_entity.id for a in output(payload()).actions
                       if a.target_entity and a.target_entity.type == "campaign"}


def test_closed_opportunities_do_not_count_as_pipeline() -> None:
    p = bend(payload(), "targets", {"bookings_new": 100_000})
    open_only = output(p).cycle_summary.diagnosis
    p["opportunities"].append({"id": "opp-won", "stage": "closed_won", "amount": 10_000_000,
                               "expected_close_date": "2026-11-01", "win_probability": 1.0})
    assert output(p).cycle_summary.diagnosis == open_only


def test_output_validation_refuses_an_experiment_without_design() -> None:
    o = output(payload())
    broken = o.model_copy(update={"actions": [o.actions[0].model_copy(update={"experiment": None})]})
    assert o.actions[0].type == "experiment"
    assert any(v.startswith("experiment:") for v in output_violations(broken, default_dictionary(),
                                                                        default_executors()))

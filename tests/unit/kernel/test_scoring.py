"""The CFO score formula, the 1-7 bound, unique ids, diagnosis rules and learning feedback."""

from __future__ import annotations

from typing import Any

import pytest

from domain.kernel.library import BY_KEY
from domain.kernel.outputs import KernelOutput
from domain.kernel.scoring import ScoreTerms, adjusted_confidence, score_terms
from tests.helpers.kernel_payloads import bend, payload, run


def output(p: dict[str, Any]) -> KernelOutput:
    result = run(p)
    assert isinstance(result, KernelOutput), result
    return result


@pytest.mark.parametrize(("terms", "expected"), [
    ((1, 0, 0, 0), 0.3),
    ((0, 1, 0, 0), 0.25),
    ((0, 0, 1, 0), 0.25),
    ((0, 0, 0, 1), -0.2),
    ((1, 1, 1, 1), 0.6),
    ((0.5, -0.4, 0.2, 0.25), 0.15 - 0.1 + 0.05 - 0.05),
])
def test_score_is_the_weighted_sum(terms: tuple[float, float, float, float], expected: float) -> None:
    assert ScoreTerms(*terms).score == pytest.approx(expected)


ARGS = ("confidence", "revenue_lift", "payback_change", "margin_pts", "additional_spend", "cash_scale", "tolerance")


@pytest.mark.parametrize(("args", "terms"), [
    # revenue 20% at confidence 1 -> 1; payback 10% shorter at 0.5 -> 0.25; 5 margin points at 0.5 -> 0.5
    ((1.0, 0.2, 0, 0, 0, 0, "low"), (1.0, 0, 0, 0)),
    ((0.5, 0, -0.1, 5, 0, 0, "low"), (0, 0.25, 0.5, 0)),
    # spend 500 of a 1000 scale: 0.5 x risk factor (low 1.0, medium 0.75, high 0.5)
    ((1, 0, 0, 0, 500, 1000, "low"), (0, 0, 0, 0.5)),
    ((1, 0, 0, 0, 500, 1000, "medium"), (0, 0, 0, 0.375)),
    ((1, 0, 0, 0, 500, 1000, "high"), (0, 0, 0, 0.25)),
    # spend with nothing to measure it against is full risk; terms are clamped to [-1, 1]
    ((1, -3, 0.9, 50, 1, 0, "low"), (-1, -1, 1, 1)),
])
def test_each_term_is_computed_from_the_input(args: tuple[Any, ...], terms: tuple[float, ...]) -> None:
    got = score_terms(**dict(zip(ARGS, args, strict=True)))
    assert (got.revenue_impact, got.payback_improvement, got.margin_protection, got.cash_risk) == \
        pytest.approx(terms)


def test_actions_carry_the_score_of_their_template() -> None:
    o = output(payload())
    for a in o.actions:
        t = BY_KEY[a.action_id.split("@")[0]]
        spend = float(a.guardrails.max_additional_spend or 0)
        expected = score_terms(confidence=a.expected_impact.confidence, revenue_lift=t.revenue_lift,
                               payback_change=t.payback_change, margin_pts=t.margin_pts, additional_spend=spend,
                               cash_scale=2000 * 14, tolerance="medium").score
        assert a.cfo_score == pytest.approx(expected, abs=1e-4)


def test_ranking_is_by_score_without_gates_and_priorities_are_1_to_n() -> None:
    o = output(payload())
    scores = [a.cfo_score for a in o.actions]
    assert scores == sorted(scores, reverse=True)
    assert [a.priority for a in o.actions] == list(range(1, len(o.actions) + 1))


@pytest.mark.parametrize("metrics", [{}, {"payback_months": 20}, {"gross_margin_pct": 40}, {"runway_months": 2},
                                     {"payback_months": 20, "gross_margin_pct": 40, "runway_months": 2},
                                     {"bookings_new": 10.0, "pipeline_total": 900_000}, {"cac_blended": 5000}])
def test_one_to_seven_actions_with_unique_ids(metrics: dict[str, float]) -> None:
    o = output(payload(**metrics))
    assert 1 <= len(o.actions) <= 7
    assert len({a.action_id for a in o.actions}) == len(o.actions)
    assert all(a.priority <= 7 for a in o.actions)


def test_the_library_would_offer_more_than_seven_but_seven_are_kept() -> None:
    o = output(payload(payback_months=20, gross_margin_pct=40))
    assert len(o.actions) == 7


def test_negative_scores_are_suppressed_unless_nothing_else_remains() -> None:
    # cash gate with a tight daily cap: spend-heavy scale actions score negative and are dropped
    tight = output(bend(payload(runway_months=3), "guardrails.allowed_levers", ["campaigns", "channels"]))
    assert all(a.cfo_score >= 0 for a in tight.actions)
    only_scale = bend(bend(payload(), "guardrails.allowed_levers", ["channels"]), "guardrails.blocked_actions",
                      ["experiment", "config_change"])
    only_scale = bend(only_scale, "cfo_guardrails.cash_risk_tolerance", "low")
    o = output(bend(only_scale, "guardrails.max_daily_spend", 10))
    assert [a.action_id for a in o.actions] == ["scale_top_channel@paid_search"]
    assert o.actions[0].cfo_score < 0


@pytest.mark.parametrize(("metrics", "constraint", "priority_metric"), [
    ({}, "demand", "pipeline_total"),
    ({"pipeline_total": 600_000, "bookings_new": 50_000}, "conversion", "bookings_new"),
    ({"pipeline_total": 600_000, "bookings_new": 150_000}, "demand", "pipeline_total"),
    ({"cac_blended": 1500}, "economics", "cac_blended"),
    ({"cac_blended": -5}, "data_quality", "cac_blended"),
    ({"gross_margin_pct": 140}, "data_quality", "gross_margin_pct"),
])
def test_diagnosis_rules(metrics: dict[str, float], constraint: str, priority_metric: str) -> None:
    o = output(payload(**metrics))
    assert (o.cycle_summary.binding_constraint, o.cycle_summary.priority_metric) == (constraint, priority_metric)
    assert (o.data_quality_actions is not None) == (constraint == "data_quality")


def test_stale_required_metric_and_missing_attribution_are_data_quality() -> None:
    p = payload()
    p["metrics"] = [m for m in p["metrics"] if m["metric_id"] != "bookings_new"] + [
        {"metric_id": "bookings_new", "value": 1.0, "date": d} for d in ("2026-11-01", "2026-11-02", "2026-11-03")]
    o = output(p)
    assert o.cycle_summary.binding_constraint == "data_quality"
    assert o.data_quality_actions and o.data_quality_actions[0].issue_type == "stale_data"
    p = payload()
    for e in p["revenue_events"]:
        e.pop("attributed_campaign_id", None)
        e.pop("attributed_channel", None)
    o = output(p)
    assert o.data_quality_actions and o.data_quality_actions[0].issue_type == "missing_attribution"
    assert o.cycle_summary.confidence < output(payload()).cycle_summary.confidence


def test_learning_plan_always_monitors_economics() -> None:
    o = output(payload())
    assert o.learning_plan.economic_metrics_to_monitor == ["gross_margin_pct", "payback_months", "cac_blended",
                                                           "revenue_per_fte"]
    assert o.learning_plan.metrics_to_monitor[0] == o.cycle_summary.priority_metric


def result(action_id: str, outcome: str, confidence: float = 1.0) -> dict[str, Any]:
    return {"action_id": action_id, "target_metric": "pipeline_total", "baseline_value": 100, "observed_value": 110,
            "delta": 10, "confidence": confidence, "outcome": outcome}


def action(o: KernelOutput, key: str) -> Any:
    return next(a for a in o.actions if a.action_id.split("@")[0] == key)


@pytest.mark.parametrize(("outcome", "direction"), [("successful", 1), ("failed", -1), ("inconclusive", 0)])
def test_recent_results_move_confidence_and_score(outcome: str, direction: int) -> None:
    before = action(output(payload()), "outbound_sequence")
    p = bend(payload(), "recent_action_results", [result("outbound_sequence", outcome)])
    after = action(output(p), "outbound_sequence")
    delta = after.expected_impact.confidence - before.expected_impact.confidence
    assert (delta > 0) - (delta < 0) == direction
    assert (after.cfo_score > before.cfo_score) - (after.cfo_score < before.cfo_score) == direction


def test_feedback_matches_by_template_key_with_entity_and_is_weighted_and_bounded() -> None:
    assert adjusted_confidence("scale_top_campaign", 0.6, []) == 0.6
    from domain.kernel.inputs import ActionResult
    failed = ActionResult.model_validate(result("scale_top_campaign@cmp-z", "failed", 0.4))
    assert adjusted_confidence("scale_top_campaign", 0.6, [failed]) == pytest.approx(0.5)
    assert adjusted_confidence("other", 0.6, [failed]) == 0.6
    assert adjusted_confidence("scale_top_campaign", 0.6, [failed] * 20) == 0.05


def test_repeated_failures_can_reorder_actions() -> None:
    first = output(payload()).actions[0].action_id
    p = bend(payload(), "recent_action_results", [result(first, "failed")] * 3)
    assert output(p).actions[0].action_id != first


def test_measured_economic_deltas_replace_the_estimates() -> None:
    before = action(output(payload()), "outbound_sequence")
    worse = {**result("outbound_sequence", "inconclusive"),
             "economic_deltas": {"delta_payback_months": 0.5, "delta_margin_pct": -0.3}}
    after = action(output(bend(payload(), "recent_action_results", [worse])), "outbound_sequence")
    assert before.expected_economic_impact and after.expected_economic_impact
    assert before.expected_economic_impact.delta_payback_months == pytest.approx(-0.3)  # 10 months x -3%
    assert after.expected_economic_impact.delta_payback_months == pytest.approx(0.5)
    assert after.expected_economic_impact.delta_margin_pct == pytest.approx(-0.3)
    assert after.expected_impact.confidence == before.expected_impact.confidence  # inconclusive
    assert after.cfo_score < before.cfo_score

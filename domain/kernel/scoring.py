"""The CFO score and the learning feedback that moves action confidence.

    cfo_score = revenue_impact x 0.3 + payback_improvement x 0.25 + margin_protection x 0.25 - cash_risk x 0.2

Each term is in [-1, 1] (cash_risk in [0, 1]); `c` is the action's confidence (after feedback):
- revenue_impact      = clamp(c x revenue_lift / 0.20)      a 20% revenue lift at full confidence is 1
- payback_improvement = clamp(c x -payback_change / 0.20)   payback 20% shorter at full confidence is 1
- margin_protection   = clamp(c x margin_pts / 5)           5 gross-margin points at full confidence is 1
- cash_risk           = clamp(additional_spend / cash_scale, 0, 1) x risk factor, where cash_scale is
  max_daily_spend x observation days (else the remaining active-campaign budget), and the risk factor is
  1.0 / 0.75 / 0.5 for cash_risk_tolerance low / medium / high.

Economic feedback: when recent results of the same template report economic_deltas, the mean
measured delta_payback_months (as a fraction of current payback_months) replaces the template's
payback estimate, and the mean delta_margin_pct replaces its margin estimate, in the score and in
expected_economic_impact.

Feedback: for each recent_action_result whose action_id starts with the template key (`key` or
`key@entity`), confidence moves by +0.15 x result.confidence (successful), -0.25 x result.confidence
(failed), 0 (inconclusive); the result is clamped to [0.05, 0.95].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.kernel.inputs import ActionResult
from domain.kernel.types import RiskTolerance

WEIGHTS = {"revenue_impact": 0.3, "payback_improvement": 0.25, "margin_protection": 0.25, "cash_risk": 0.2}
RISK_FACTOR: dict[RiskTolerance, float] = {"low": 1.0, "medium": 0.75, "high": 0.5}
FEEDBACK_STEP = {"successful": 0.15, "failed": -0.25, "inconclusive": 0.0}
CONFIDENCE_BOUNDS = (0.05, 0.95)


def clamp(x: float, low: float = -1.0, high: float = 1.0) -> float:
    """The value limited to [low, high]."""
    return max(low, min(high, x))


@dataclass(frozen=True)
class ScoreTerms:
    """The four terms of the CFO score."""

    revenue_impact: float
    payback_improvement: float
    margin_protection: float
    cash_risk: float

    @property
    def score(self) -> float:
        """The weighted CFO score, rounded to 6 places."""
        return round(
            self.revenue_impact * WEIGHTS["revenue_impact"]
            + self.payback_improvement * WEIGHTS["payback_improvement"]
            + self.margin_protection * WEIGHTS["margin_protection"]
            - self.cash_risk * WEIGHTS["cash_risk"],
            6,
        )


def score_terms(*, confidence: float, revenue_lift: float, payback_change: float, margin_pts: float,
                additional_spend: float, cash_scale: float, tolerance: RiskTolerance) -> ScoreTerms:
    """The terms for one action, per the module docstring."""
    if additional_spend <= 0:
        risk = 0.0
    elif cash_scale <= 0:
        risk = 1.0
    else:
        risk = clamp(additional_spend / cash_scale, 0.0, 1.0)
    return ScoreTerms(
        revenue_impact=clamp(confidence * revenue_lift / 0.20),
        payback_improvement=clamp(confidence * -payback_change / 0.20),
        margin_protection=clamp(confidence * margin_pts / 5.0),
        cash_risk=risk * RISK_FACTOR[tolerance],
    )


def template_key(action_id: str) -> str:
    """The template key an action id was made from (`key` or `key@entity`)."""
    return action_id.split("@", 1)[0]


def adjusted_confidence(key: str, base: float, results: Iterable[ActionResult]) -> float:
    """Base confidence moved by the recent results of actions made from the same template."""
    value = base
    for r in results:
        if template_key(r.action_id) == key:
            value += FEEDBACK_STEP[r.outcome] * clamp(r.confidence, 0.0, 1.0)
    return clamp(value, *CONFIDENCE_BOUNDS)


def observed_economics(key: str, payback_change: float, margin_pts: float, results: Iterable[ActionResult],
                       current_payback: float | None) -> tuple[float, float]:
    """(payback_change, margin_pts): the template's estimates, or what its recent results measured."""
    mine = [r.economic_deltas for r in results if template_key(r.action_id) == key and r.economic_deltas]
    paybacks = [d.delta_payback_months for d in mine if d.delta_payback_months is not None]
    margins = [d.delta_margin_pct for d in mine if d.delta_margin_pct is not None]
    if paybacks and current_payback:
        payback_change = clamp(sum(paybacks) / len(paybacks) / current_payback)
    if margins:
        margin_pts = sum(margins) / len(margins)
    return payback_change, margin_pts

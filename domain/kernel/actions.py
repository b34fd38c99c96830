"""Candidate actions: templates -> filtered by levers, blocked actions and gates -> scored -> ranked 1-7.

Gate effects (applied before scoring):
- payback_exceeded: templates tagged demand_scaling are removed; conversion/efficiency templates are
  added to the pool and ranked ahead of the rest.
- margin_below_floor: templates tagged channel_scaling are removed; pricing/cost templates are added
  and ranked ahead of the rest.
- cash_constrained: every action carries max_additional_spend capped at 0.5 x max_daily_spend x
  observation days (0 without max_daily_spend); a spend-adding action capped to 0 is removed;
  experiment exposure is halved; observation windows are at most 7 days.
Experiment exposure before the cash gate: guardrails.max_experiment_exposure_pct (default 20%) x 0.5 /
1.0 / 1.5 for config.risk_tolerance low / medium (default) / high, never above the guardrail (30%
without one).
`guardrails.blocked_actions` matches an action type (e.g. "scale") or a template key. Negative-score
actions are dropped unless nothing else remains; at most 7 actions, priority 1 = first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.kernel.entities import Entities
from domain.kernel.inputs import KernelInput
from domain.kernel.library import LIBRARY, ActionTemplate
from domain.kernel.outputs import (
    AbortCondition,
    Action,
    ActionGuardrails,
    EconomicImpact,
    ExpectedImpact,
    Experiment,
    ProposedChange,
    TargetEntity,
)
from domain.kernel.scoring import adjusted_confidence, observed_economics, score_terms
from domain.kernel.snapshot import Snapshot
from domain.kernel.types import BindingConstraint, EntityType, Gate

MAX_ACTIONS = 7
CASH_SPEND_FRACTION = Decimal("0.5")
CASH_MAX_OBSERVATION_DAYS = 7
DEFAULT_OBSERVATION_DAYS = 14
DEFAULT_EXPOSURE_PCT = 20.0
EXPOSURE_FACTOR = {"low": 0.5, "medium": 1.0, "high": 1.5}
EXPERIMENT_MIN_SAMPLE = 100
GATE_REMOVES: dict[Gate, str] = {"payback_exceeded": "demand_scaling", "margin_below_floor": "channel_scaling"}
GATE_PREFERS: dict[Gate, frozenset[str]] = {
    "payback_exceeded": frozenset({"conversion", "efficiency"}),
    "margin_below_floor": frozenset({"pricing", "cost"}),
}


@dataclass(frozen=True)
class Plan:
    """Per-cycle sizing: observation window, exposure, spend base and caps."""

    window_days: int
    exposure_pct: float
    spend_base: Decimal
    spend_cap: Decimal | None
    cash_scale: Decimal


def _exposure(inp: KernelInput) -> float:
    """Experiment exposure: the guardrail (default 20%) x config.risk_tolerance factor, never above the guardrail."""
    ceiling = inp.guardrails.max_experiment_exposure_pct
    limit = min(max(ceiling if ceiling is not None else DEFAULT_EXPOSURE_PCT * 1.5, 0.0), 100.0)
    base = min(max(ceiling if ceiling is not None else DEFAULT_EXPOSURE_PCT, 0.0), 100.0)
    risk = inp.config.risk_tolerance if inp.config and inp.config.risk_tolerance else "medium"
    return min(base * EXPOSURE_FACTOR[risk], limit)


def make_plan(inp: KernelInput, gates: list[Gate], entities: Entities) -> Plan:
    """Observation window, exposure and spend limits after the cash gate."""
    configured = inp.config.default_observation_window_days if inp.config else None
    window = configured if configured is not None and configured > 0 else DEFAULT_OBSERVATION_DAYS
    exposure = _exposure(inp)
    daily = inp.guardrails.max_daily_spend
    cap = max(daily, Decimal(0)) * window if daily is not None else None
    if "cash_constrained" in gates:
        window, exposure = min(window, CASH_MAX_OBSERVATION_DAYS), exposure / 2
        cap = (max(daily, Decimal(0)) * window * CASH_SPEND_FRACTION) if daily is not None else Decimal(0)
    base = entities.remaining_budget if entities.remaining_budget > 0 else (cap or Decimal(0))
    scale = cap if cap is not None and cap > 0 else entities.remaining_budget
    return Plan(window, exposure, base, cap, scale)


def candidate_templates(inp: KernelInput, constraint: BindingConstraint, gates: list[Gate]) -> list[ActionTemplate]:
    """The library filtered by constraint (+ gate additions), levers, blocked actions and gate removals."""
    added = frozenset().union(*(GATE_PREFERS.get(g, frozenset()) for g in gates))
    removed = {GATE_REMOVES[g] for g in gates if g in GATE_REMOVES}
    blocked = set(inp.guardrails.blocked_actions or [])
    levers = set(inp.guardrails.allowed_levers)
    pool = [t for t in LIBRARY if constraint in t.constraints
            or (constraint != "data_quality" and "data_quality" not in t.constraints and t.tags & added)]
    return [t for t in pool if t.lever in levers and t.type not in blocked and t.key not in blocked
            and not t.tags & removed]


def _entity(t: ActionTemplate, entities: Entities) -> tuple[TargetEntity | None, bool]:
    """(target entity, available); a template whose entity does not exist is not a candidate."""
    kind: EntityType
    if t.entity == "none":
        return None, True
    if t.entity in ("top_campaign", "worst_campaign"):
        campaign = entities.top_campaign if t.entity == "top_campaign" else entities.worst_campaign
        return (TargetEntity(type="campaign", id=campaign.id), True) if campaign else (None, False)
    ident, kind = (entities.top_channel, "channel") if t.entity == "top_channel" else (
        entities.segment_over_cap, "segment")
    return (TargetEntity(type=kind, id=ident), True) if ident else (None, False)


def _change(t: ActionTemplate, entities: Entities) -> ProposedChange:
    campaign = entities.top_campaign if t.entity == "top_campaign" else entities.worst_campaign
    if t.field == "budget_total" and campaign is not None and isinstance(t.new_value, float):
        budget = float(campaign.budget_total)
        return ProposedChange(field=t.field, current_value=budget, new_value=round(budget * t.new_value, 2))
    if t.field == "status" and campaign is not None:
        return ProposedChange(field=t.field, current_value=campaign.status, new_value=t.new_value)
    if isinstance(t.new_value, bool):
        return ProposedChange(field=t.field, current_value=not t.new_value, new_value=t.new_value)
    current: str | float = 1.0 if t.field.endswith("multiplier") else "unknown"
    return ProposedChange(field=t.field, current_value=current, new_value=t.new_value)


def _spend(t: ActionTemplate, entities: Entities, plan: Plan) -> Decimal:
    if t.spend <= 0:
        return Decimal(0)
    base = entities.top_campaign.budget_total if t.entity == "top_campaign" and entities.top_campaign \
        else plan.spend_base
    spend = max(base, Decimal(0)) * Decimal(str(t.spend))
    if plan.spend_cap is not None:
        spend = min(spend, plan.spend_cap)
    return spend.quantize(Decimal("0.01"))


def _aborts(inp: KernelInput, snap: Snapshot) -> list[AbortCondition]:
    cfo = inp.cfo_guardrails
    out = [AbortCondition(metric_id="gross_margin_pct", operator="<", threshold=cfo.margin_floor_pct,
                          consecutive_days=2),
           AbortCondition(metric_id="payback_months", operator=">",
                          threshold=cfo.payback_target_months + cfo.payback_tolerance_months, consecutive_days=3)]
    cac = float(inp.targets.cac_max) if inp.targets.cac_max is not None else None
    current = snap.get("cac_blended")
    if cac is None and current is not None:
        cac = round(current * 1.25, 2)
    if cac is not None:
        out.append(AbortCondition(metric_id="cac_blended", operator=">", threshold=cac, consecutive_days=3))
    return out


def _economic(t: ActionTemplate, snap: Snapshot, payback_change: float, margin_pts: float) -> EconomicImpact:
    cac, payback = snap.get("cac_blended"), snap.get("payback_months")
    return EconomicImpact(
        delta_cac=round(cac * t.cac_change, 2) if cac is not None else None,
        delta_payback_months=round(payback * payback_change, 2) if payback is not None else None,
        delta_margin_pct=round(margin_pts, 4),
    )


def _experiment(t: ActionTemplate, inp: KernelInput, plan: Plan) -> Experiment | None:
    """Equal treatment and control groups of the exposure (at most 50% each); sample >= 100."""
    if t.type != "experiment":
        return None
    treatment = round(min(plan.exposure_pct, 50.0), 2)
    sample = max(EXPERIMENT_MIN_SAMPLE, (inp.config.min_sample_size or 0) if inp.config else 0)
    return Experiment(hypothesis=f"{t.note} It should move {t.target_metric} {t.direction} by {t.magnitude_pct:g}%.",
                      control_group_pct=treatment, treatment_group_pct=treatment, min_sample_size=sample,
                      success_metric=t.target_metric, success_threshold=t.magnitude_pct)


def build_action(t: ActionTemplate, inp: KernelInput, snap: Snapshot, entities: Entities, plan: Plan,
                 gates: list[Gate]) -> Action | None:
    """One scored action from a template (priority is set when ranking), or None if it cannot apply."""
    entity, available = _entity(t, entities)
    spend = _spend(t, entities, plan)
    if not available or (t.spend > 0 and spend <= 0 and "cash_constrained" in gates):
        return None
    results = inp.recent_action_results or []
    confidence = adjusted_confidence(t.key, t.base_confidence, results)
    payback_change, margin_pts = observed_economics(t.key, t.payback_change, t.margin_pts, results,
                                                    snap.get("payback_months"))
    terms = score_terms(confidence=confidence, revenue_lift=t.revenue_lift, payback_change=payback_change,
                        margin_pts=margin_pts, additional_spend=float(spend), cash_scale=float(plan.cash_scale),
                        tolerance=inp.cfo_guardrails.cash_risk_tolerance)
    capped = "cash_constrained" in gates or t.spend > 0
    experiment = _experiment(t, inp, plan)
    return Action(
        action_id=f"{t.key}@{entity.id}" if entity else t.key, priority=1, owner_subsystem=t.owner, type=t.type,
        target_metric=t.target_metric, target_entity=entity, proposed_change=_change(t, entities),
        cfo_score=terms.score,
        guardrails=ActionGuardrails(max_additional_spend=spend if capped else None,
                                    max_exposure_percent=round(plan.exposure_pct, 2) if experiment else None,
                                    abort_conditions=_aborts(inp, snap)),
        experiment=experiment, observation_window_days=plan.window_days,
        expected_impact=ExpectedImpact(metric_id=t.target_metric, direction=t.direction,
                                       magnitude_pct=t.magnitude_pct, confidence=round(confidence, 4)),
        expected_economic_impact=_economic(t, snap, payback_change, margin_pts), notes_for_humans=t.note,
    )


def rank(actions: list[Action], gates: list[Gate]) -> list[Action]:
    """Gate-preferred first, then by score (desc), then id; negatives only if nothing else; at most 7."""
    preferred = frozenset().union(*(GATE_PREFERS.get(g, frozenset()) for g in gates))
    tags = {t.key: t.tags for t in LIBRARY}

    def key(a: Action) -> tuple[bool, float, str]:
        return (not (tags[a.action_id.split("@")[0]] & preferred), -a.cfo_score, a.action_id)

    kept = [a for a in actions if a.cfo_score >= 0] or actions
    ordered = sorted(kept, key=key)[:MAX_ACTIONS]
    return [a.model_copy(update={"priority": i}) for i, a in enumerate(ordered, start=1)]

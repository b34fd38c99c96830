"""CFO gates and the binding-constraint diagnosis: deterministic rules, evaluated in a fixed order.

Gates (evaluated first, from `cfo_guardrails` against the snapshot; an absent or invalid metric
cannot trigger its gate):
- payback_exceeded:   payback_months > payback_target_months + payback_tolerance_months
- margin_below_floor: gross_margin_pct < margin_floor_pct
- cash_constrained:   runway_months < runway_threshold_months (absent: 12 / 9 / 6 months for
                      cash_risk_tolerance low / medium / high)

Gates do not pick the binding constraint: they modify the actions for whatever binds (see
domain.kernel.actions), which is how "suppress demand scaling" can act on a demand-bound cycle.

Binding constraint, first rule that holds:
1. data_quality: any blocking data issue (invalid or stale required metric, invalid gate metric,
   over half of revenue unattributed).
2. economics: cac_blended > targets.cac_max, or payback_months > targets.payback_max_months, or
   gross_margin_pct < targets.gross_margin_min, or a segment's CAC above its max_cac_by_segment cap.
3. demand vs conversion: demand_gap = 1 - pipeline_total / targets.pipeline_total (or, without a
   pipeline target, 1 - weighted open pipeline / targets.bookings_new; without either, 1 - arr /
   targets.arr_target); conversion_gap =
   1 - bookings_new / targets.bookings_new. demand if demand_gap >= conversion_gap and demand_gap > 0;
   conversion if conversion_gap > 0; otherwise demand (targets met: growth is the next constraint).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.kernel.inputs import KernelInput
from domain.kernel.snapshot import Snapshot
from domain.kernel.types import BindingConstraint, Gate

DEFAULT_RUNWAY_THRESHOLD = {"low": 12.0, "medium": 9.0, "high": 6.0}


@dataclass(frozen=True)
class Diagnosis:
    """The binding constraint, the metric to move, and why."""

    constraint: BindingConstraint
    priority_metric: str
    reason: str


def runway_threshold(inp: KernelInput) -> float:
    """The runway below which the cash gate fires."""
    cfo = inp.cfo_guardrails
    if cfo.runway_threshold_months is not None:
        return cfo.runway_threshold_months
    return DEFAULT_RUNWAY_THRESHOLD[cfo.cash_risk_tolerance]


def evaluate_gates(inp: KernelInput, snap: Snapshot) -> list[Gate]:
    """The CFO gates triggered by the snapshot, in the contract's order."""
    cfo = inp.cfo_guardrails
    gates: list[Gate] = []
    payback, margin, runway = snap.get("payback_months"), snap.get("gross_margin_pct"), snap.get("runway_months")
    if payback is not None and payback > cfo.payback_target_months + cfo.payback_tolerance_months:
        gates.append("payback_exceeded")
    if margin is not None and margin < cfo.margin_floor_pct:
        gates.append("margin_below_floor")
    if runway is not None and runway < runway_threshold(inp):
        gates.append("cash_constrained")
    return gates


GATE_METRIC: dict[Gate, str] = {
    "payback_exceeded": "payback_months",
    "margin_below_floor": "gross_margin_pct",
    "cash_constrained": "runway_months",
}


def segments_over_cap(inp: KernelInput, snap: Snapshot) -> list[str]:
    """Segments whose latest CAC is above their max_cac_by_segment cap (sorted)."""
    caps = inp.cfo_guardrails.max_cac_by_segment or {}
    return sorted(s for s, cac in snap.segment_cac.items() if s in caps and cac > float(caps[s]))


def _economics_breach(inp: KernelInput, snap: Snapshot) -> tuple[str, str] | None:
    t = inp.targets
    cac, payback, margin = snap.get("cac_blended"), snap.get("payback_months"), snap.get("gross_margin_pct")
    if t.cac_max is not None and cac is not None and cac > float(t.cac_max):
        return "cac_blended", f"blended CAC {cac:,.2f} is above the {float(t.cac_max):,.2f} maximum"
    if t.payback_max_months is not None and payback is not None and payback > t.payback_max_months:
        return "payback_months", f"payback of {payback:g} months is above the {t.payback_max_months:g}-month maximum"
    if t.gross_margin_min is not None and margin is not None and margin < t.gross_margin_min:
        return "gross_margin_pct", f"gross margin {margin:g}% is below the {t.gross_margin_min:g}% minimum"
    over = segments_over_cap(inp, snap)
    if over:
        return "cac_blended", f"CAC is above its segment cap in {', '.join(over)}"
    return None


CLOSED_STAGES = frozenset({"closed_won", "closed_lost", "won", "lost"})


def weighted_pipeline(inp: KernelInput) -> float:
    """Sum of open opportunity amount x win probability (clamped to 0-1); closed stages are left out."""
    return sum(float(o.amount) * min(max(o.win_probability, 0.0), 1.0) for o in inp.opportunities
               if o.stage.strip().lower() not in CLOSED_STAGES)


def _gap(actual: float | None, target: float | None) -> float | None:
    if actual is None or target is None or target <= 0:
        return None
    return 1.0 - actual / target


def growth_gaps(inp: KernelInput, snap: Snapshot) -> tuple[float, float]:
    """(demand_gap, conversion_gap); a gap that cannot be computed is 0."""
    t = inp.targets
    pipeline_target = float(t.pipeline_total) if t.pipeline_total is not None else None
    bookings_target = float(t.bookings_new) if t.bookings_new is not None else None
    demand = _gap(snap.get("pipeline_total"), pipeline_target)
    if demand is None:
        demand = _gap(weighted_pipeline(inp), bookings_target)
    if demand is None and t.arr_target is not None:
        demand = _gap(snap.get("arr"), float(t.arr_target))
    conversion = _gap(snap.get("bookings_new"), bookings_target)
    return demand or 0.0, conversion or 0.0


def diagnose(inp: KernelInput, snap: Snapshot, gates: list[Gate]) -> Diagnosis:
    """The binding constraint by the module's rules."""
    blocking = [i for i in snap.issues if i.blocking]
    if blocking:
        return Diagnosis("data_quality", blocking[0].metric, f"Data quality binds: {blocking[0].description}.")
    diagnosis = _growth_or_economics(inp, snap)
    if not gates:
        return diagnosis
    fired = ", ".join(f"{g} ({GATE_METRIC[g]} = {snap.get(GATE_METRIC[g]):g})" for g in gates)
    return Diagnosis(diagnosis.constraint, diagnosis.priority_metric, f"{diagnosis.reason} CFO gates: {fired}.")


def _growth_or_economics(inp: KernelInput, snap: Snapshot) -> Diagnosis:
    breach = _economics_breach(inp, snap)
    if breach:
        return Diagnosis("economics", breach[0], f"Economics bind: {breach[1]}.")
    demand, conversion = growth_gaps(inp, snap)
    if demand >= conversion and demand > 0:
        return Diagnosis("demand", "pipeline_total", f"Demand binds: pipeline is {demand:.0%} short of target.")
    if conversion > 0:
        return Diagnosis("conversion", "bookings_new",
                         f"Conversion binds: pipeline is adequate but bookings are {conversion:.0%} short of target.")
    return Diagnosis("demand", "pipeline_total", "Targets are met and economics are healthy; demand is the "
                     "next constraint to lift.")

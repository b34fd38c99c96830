"""`KernelInput`: the kernel's input payload, field for field as its I/O contract defines it.

Optional contract fields (`x?: T`) are `T | None = None`; an absent field and `null` mean the same.
Business rules (input validation rules 1-6) live in `domain.kernel.validation`, not here, so a
violation comes back as the contract's `KernelError`, not as a schema error.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import AwareDatetime, BaseModel

from domain.kernel.types import CONTRACT, Lever, Money, Outcome, RiskTolerance, TriggerType


class Trigger(BaseModel):
    """What started the cycle."""

    model_config = CONTRACT
    type: TriggerType
    source: str
    triggered_at: AwareDatetime


class AnalysisWindow(BaseModel):
    """The dates (inclusive) the cycle analyses."""

    model_config = CONTRACT
    start_date: date
    end_date: date


class Targets(BaseModel):
    """Current targets; rule 4 needs at least one."""

    model_config = CONTRACT
    pipeline_total: Money | None = None
    bookings_new: Money | None = None
    arr_target: Money | None = None
    cac_max: Money | None = None
    payback_max_months: float | None = None
    gross_margin_min: float | None = None


class Guardrails(BaseModel):
    """Operating guardrails; rule 5 needs a non-empty `allowed_levers`."""

    model_config = CONTRACT
    max_daily_spend: Money | None = None
    max_experiment_exposure_pct: float | None = None
    allowed_levers: list[Lever]
    blocked_actions: list[str] | None = None


class CfoGuardrails(BaseModel):
    """CFO guardrails the gates are evaluated from."""

    model_config = CONTRACT
    payback_target_months: float
    payback_tolerance_months: float
    margin_floor_pct: float
    max_cac_by_segment: dict[str, Money] | None = None
    cash_risk_tolerance: RiskTolerance
    runway_threshold_months: float | None = None


class MetricPoint(BaseModel):
    """One metric value on one date, optionally for one dimension (e.g. {"segment": "smb"})."""

    model_config = CONTRACT
    metric_id: str
    value: float
    date: date
    dimension: dict[str, str] | None = None


class RevenueEvent(BaseModel):
    """A recent revenue event (last 7-30 days)."""

    model_config = CONTRACT
    id: str
    type: str
    amount: Money
    effective_date: date
    attributed_campaign_id: str | None = None
    attributed_channel: str | None = None


class Campaign(BaseModel):
    """An active campaign with its budget and spend."""

    model_config = CONTRACT
    id: str
    name: str
    status: str
    objective: str
    budget_total: Money
    budget_spent: Money
    start_date: date
    end_date: date | None = None


class Opportunity(BaseModel):
    """An open opportunity."""

    model_config = CONTRACT
    id: str
    stage: str
    amount: Money
    expected_close_date: date
    win_probability: float


class EconomicDeltas(BaseModel):
    """Economic deltas a prior action produced."""

    model_config = CONTRACT
    delta_cac: float | None = None
    delta_payback_months: float | None = None
    delta_margin_pct: float | None = None
    delta_revenue_per_fte: float | None = None


class ActionResult(BaseModel):
    """The measured result of a prior action (learning feedback)."""

    model_config = CONTRACT
    action_id: str
    target_metric: str
    baseline_value: float
    observed_value: float
    delta: float
    confidence: float
    outcome: Outcome
    economic_deltas: EconomicDeltas | None = None


class KernelConfig(BaseModel):
    """Tenant configuration overrides."""

    model_config = CONTRACT
    min_sample_size: int | None = None
    default_observation_window_days: int | None = None
    risk_tolerance: RiskTolerance | None = None


class KernelInput(BaseModel):
    """The kernel's input payload (revenue_os_v1.1)."""

    model_config = CONTRACT
    tenant_id: UUID
    trigger: Trigger
    analysis_window: AnalysisWindow
    targets: Targets
    guardrails: Guardrails
    cfo_guardrails: CfoGuardrails
    metrics: list[MetricPoint]
    revenue_events: list[RevenueEvent]
    campaigns: list[Campaign]
    opportunities: list[Opportunity]
    recent_action_results: list[ActionResult] | None = None
    config: KernelConfig | None = None

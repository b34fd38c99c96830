"""`KernelOutput`, `Action`, `DataQualityAction` and `KernelError`, field for field as in the contract.

Optional output fields are left out of the JSON when unset (`dump_contract`), never sent as null.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, JsonValue

from domain.kernel.types import (
    CONTRACT,
    ActionType,
    BindingConstraint,
    Direction,
    EntityType,
    ErrorCode,
    Gate,
    IssueType,
    Money,
    Operator,
    OutcomeDirection,
    OwnerSubsystem,
)


class CycleSummary(BaseModel):
    """What binds, what to watch, how sure the kernel is, which CFO gates fired."""

    model_config = CONTRACT
    binding_constraint: BindingConstraint
    priority_metric: str
    diagnosis: str
    confidence: float = Field(ge=0, le=1)
    cfo_gates_triggered: list[Gate]


class TargetEntity(BaseModel):
    """The entity an action changes."""

    model_config = CONTRACT
    type: EntityType
    id: str


class ProposedChange(BaseModel):
    """The field an action changes, from what to what."""

    model_config = CONTRACT
    field: str
    current_value: JsonValue
    new_value: JsonValue


class AbortCondition(BaseModel):
    """Stop the action when `metric_id operator threshold` holds for `consecutive_days`."""

    model_config = CONTRACT
    metric_id: str
    operator: Operator
    threshold: float
    consecutive_days: int


class ActionGuardrails(BaseModel):
    """Limits the executor must respect for one action."""

    model_config = CONTRACT
    max_additional_spend: Money | None = None
    max_exposure_percent: float | None = None
    abort_conditions: list[AbortCondition]


class Experiment(BaseModel):
    """Experiment design (present when `type == 'experiment'`)."""

    model_config = CONTRACT
    hypothesis: str
    control_group_pct: float
    treatment_group_pct: float
    min_sample_size: int
    success_metric: str
    success_threshold: float


class ExpectedImpact(BaseModel):
    """The expected move of the action's target metric."""

    model_config = CONTRACT
    metric_id: str
    direction: Direction
    magnitude_pct: float
    confidence: float = Field(ge=0, le=1)


class EconomicImpact(BaseModel):
    """Expected economic impact."""

    model_config = CONTRACT
    delta_cac: float | None = None
    delta_payback_months: float | None = None
    delta_margin_pct: float | None = None


class Action(BaseModel):
    """One recommended action."""

    model_config = CONTRACT
    action_id: str
    priority: int = Field(ge=1, le=7)
    owner_subsystem: OwnerSubsystem
    type: ActionType
    target_metric: str
    target_entity: TargetEntity | None = None
    proposed_change: ProposedChange
    cfo_score: float
    guardrails: ActionGuardrails
    experiment: Experiment | None = None
    observation_window_days: int
    expected_impact: ExpectedImpact
    expected_economic_impact: EconomicImpact | None = None
    notes_for_humans: str


class DataQualityAction(BaseModel):
    """A fix to the data itself (when the binding constraint is data_quality)."""

    model_config = CONTRACT
    action_id: str
    priority: int
    issue_type: IssueType
    affected_metric: str
    description: str
    recommended_fix: str


class ExpectedOutcome(BaseModel):
    """An outcome the learning plan expects."""

    model_config = CONTRACT
    metric_id: str
    direction: OutcomeDirection
    magnitude_pct: float | None = None


class LearningPlan(BaseModel):
    """What to monitor after the actions, and for how long."""

    model_config = CONTRACT
    metrics_to_monitor: list[str]
    economic_metrics_to_monitor: list[str]
    observation_window_days: int
    expected_outcomes: list[ExpectedOutcome]


class KernelOutput(BaseModel):
    """The kernel's output payload (revenue_os_v1.1)."""

    model_config = CONTRACT
    tenant_id: str
    cycle_id: str
    executed_at: AwareDatetime
    version: Literal["revenue_os_v1.1"]
    cycle_summary: CycleSummary
    actions: list[Action]
    data_quality_actions: list[DataQualityAction] | None = None
    learning_plan: LearningPlan


class KernelError(BaseModel):
    """The contract's error body; `http_status` gives its HTTP status."""

    model_config = CONTRACT
    error: Literal[True] = True
    code: ErrorCode
    message: str
    details: dict[str, Any] | None = None

    @property
    def http_status(self) -> int:
        """The HTTP status the contract assigns to `code`."""
        return HTTP_STATUS[self.code]


HTTP_STATUS: dict[str, int] = {
    "INVALID_INPUT": 400,
    "TENANT_NOT_FOUND": 404,
    "INSUFFICIENT_DATA": 422,
    "CYCLE_TOO_RECENT": 429,
    "INTERNAL_ERROR": 500,
}

KernelResult = KernelOutput | KernelError


def dump_contract(result: BaseModel) -> dict[str, Any]:
    """The JSON form of a contract model: unset optional fields are absent, money is a number."""
    return result.model_dump(mode="json", exclude_none=True)


def executed_at_of(result: KernelResult) -> datetime | None:
    """When a cycle ran (None for an error)."""
    return result.executed_at if isinstance(result, KernelOutput) else None

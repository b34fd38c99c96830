"""Capital's vocabulary: statuses, outcomes, canonical events and the entities' fields.

A fixed set: reports, imports and the database's checks depend on these exact values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class CampaignStatus(StrEnum):
    """Campaign lifecycle."""

    PLANNED = "planned"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


class ExperimentStatus(StrEnum):
    """Experiment lifecycle; completed and terminated are final and immutable."""

    PLANNED = "planned"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class PauseReason(StrEnum):
    """Why a paused experiment is paused: a stop-loss pause resumes only through an override."""

    MANUAL = "manual"
    STOP_LOSS = "stop_loss"


class DialerOutcome(StrEnum):
    """The seven canonical dialer outcomes. These never change."""

    NO_ANSWER = "No Answer"
    BUSY = "Busy"
    WRONG_NUMBER = "Wrong #"
    NOT_INTERESTED = "Not Interested"
    CALLBACK = "Callback"
    INFO = "Info"
    SCHEDULE = "Schedule"


class EventType(StrEnum):
    """Canonical performance events (facts only)."""

    DIAL_ATTEMPT = "dial_attempt"
    CONVERSATION = "conversation"
    QPC = "qpc"
    INSTALL_APPOINTMENT_SCHEDULED = "install_appointment_scheduled"
    INSTALL_APPOINTMENT_ATTENDED = "install_appointment_attended"
    CALCULATOR_INSTALLED = "calculator_installed"
    PAID_CONVERSION = "paid_conversion"


REPORTED_EVENTS = frozenset({
    EventType.INSTALL_APPOINTMENT_SCHEDULED, EventType.INSTALL_APPOINTMENT_ATTENDED,
    EventType.CALCULATOR_INSTALLED, EventType.PAID_CONVERSION,
})


class TerminalState(StrEnum):
    """Business states on which a lead exits the system."""

    PAID_CUSTOMER = "paid_customer"
    DO_NOT_CONTACT = "do_not_contact"
    PERMANENTLY_NOT_INTERESTED = "permanently_not_interested"


class BonusEventType(StrEnum):
    """What a bonus rule pays for."""

    SCHEDULE = "schedule"
    INSTALL_COMPLETED = "install_completed"
    PAID_CONVERSION = "paid_conversion"


BONUS_EVENT_FOR: dict[EventType, BonusEventType] = {
    EventType.INSTALL_APPOINTMENT_SCHEDULED: BonusEventType.SCHEDULE,
    EventType.CALCULATOR_INSTALLED: BonusEventType.INSTALL_COMPLETED,
    EventType.PAID_CONVERSION: BonusEventType.PAID_CONVERSION,
}


class Verdict(StrEnum):
    """A human's verdict on an experiment."""

    PASS = "pass"
    FAIL = "fail"
    CONTINUE = "continue"
    STOP = "stop"


class EvaluationReason(StrEnum):
    """Why the human decided so."""

    PITCH = "pitch"
    ACTIVATION = "activation"
    ECONOMICS = "economics"
    CAPITAL = "capital"
    INCONCLUSIVE = "inconclusive"


class CostSource(StrEnum):
    """Where a cost comes from."""

    LABOR = "labor"
    BONUS = "bonus"
    TWILIO = "twilio"
    GCP = "gcp"


class Strict(BaseModel):
    """Request models refuse unknown fields, so typos are errors, not silently ignored facts."""

    model_config = ConfigDict(extra="forbid")


class ProductCreate(Strict):
    """A product the company sells."""

    tenant_id: UUID
    name: Text
    description: str = Field(default="", max_length=4000)


class Product(ProductCreate):
    """A stored product."""

    id: UUID
    created_at: datetime


class CampaignCreate(Strict):
    """A durable distribution thesis: who sells what, through which channel, on which budget."""

    product_id: UUID
    name: Text
    description: str = Field(default="", max_length=4000)
    owner_user_id: Text
    status: CampaignStatus = CampaignStatus.PLANNED
    start_date: date
    end_date: date | None = None
    capital_budget_usd: Money | None = None


class Campaign(CampaignCreate):
    """A stored campaign."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    tenant_id: UUID
    created_at: datetime


class BonusRuleCreate(Strict):
    """A per-experiment bonus rule: binary, one per event, capped per ISO week per login."""

    event_type: BonusEventType
    bonus_amount_usd: PositiveMoney
    eligible_roles: list[Text] = Field(min_length=1)
    max_per_period: int | None = Field(default=None, gt=0)


class BonusRule(BonusRuleCreate):
    """A stored bonus rule."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    experiment_id: UUID


class ExperimentCreate(Strict):
    """A conversion hypothesis inside a campaign, with its caps and success events."""

    campaign_id: UUID
    name: Text
    hypothesis: Text
    capital_cap_usd: PositiveMoney
    time_cap_days: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=4)]
    tranche_size_usd: PositiveMoney
    primary_success_event: EventType
    secondary_events: list[EventType] = Field(default_factory=list)
    denominator_event: EventType = EventType.QPC
    evaluation_logic: str = Field(default="", max_length=4000)
    bonus_rules: list[BonusRuleCreate] = Field(default_factory=list)

    @field_validator("secondary_events")
    @classmethod
    def _distinct(cls, value: list[EventType]) -> list[EventType]:
        if len(set(value)) != len(value):
            raise ValueError("secondary_events must be distinct")
        return value


class Experiment(BaseModel):
    """A stored experiment."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    tenant_id: UUID
    campaign_id: UUID
    name: str
    hypothesis: str
    status: ExperimentStatus
    pause_reason: PauseReason | None = None
    start_date: date | None = None
    end_date: date | None = None
    capital_cap_usd: Decimal
    time_cap_days: Decimal
    tranche_size_usd: Decimal
    primary_success_event: EventType
    secondary_events: list[EventType]
    denominator_event: EventType
    evaluation_logic: str
    evaluation_recommended: bool = False
    created_at: datetime
    bonus_rules: list[BonusRule] = Field(default_factory=list)


class EvaluationCreate(Strict):
    """An explicit human decision about an experiment: verdict, reason and next action."""

    capital_cap_usd: PositiveMoney
    time_cap_days: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=4)]
    tranche_size_usd: PositiveMoney
    verdict: Verdict
    reason: EvaluationReason
    recommended_next_action: Text
    admin_notes: str = Field(default="", max_length=8000)


class Evaluation(EvaluationCreate):
    """A stored, immutable evaluation."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    experiment_id: UUID
    created_at: datetime


class OverrideCreate(Strict):
    """The override doctrine: a logged rationale tied to an evaluation (timestamped when recorded)."""

    evaluation_id: UUID
    rationale: Annotated[str, Field(min_length=1, max_length=8000, pattern=r"\S")]

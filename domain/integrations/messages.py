"""Integrations' workflow, activity and update payloads, and the delivery workflow's id.

The call workflow asks the planner which deliveries a call produced (PlanDeliveries -> DeliveryPlan); each
DeliveryInput starts one DeliveryWorkflow, which attempts it (Attempt -> AttemptResult), records every attempt
and outcome in the delivery's stream (RecordDelivery), parks it when the schedule runs out and sends it again on a
redrive (Redrive -> RedriveResult).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.integrations.retry import RetrySchedule
from domain.objectives import Event
from domain.objectives.integrations import Integration
from domain.voice.messages import CallEventIn

DeliveryStatus = Literal["pending", "retrying", "delivered", "dead"]


class PlanDeliveries(BaseModel):
    """A finished call's relevant events (domain.integrations.triggers.relevant), in order."""

    call_sid: str
    tenant_id: str | None = None
    events: list[CallEventIn]


class DeliveryInput(BaseModel):
    """One delivery: one integration of the call's pinned configuration, for one event of the call."""

    delivery_id: str
    call_sid: str
    tenant_id: str | None
    event: Event
    integration: Integration
    body: dict[str, Any]
    occurred_at: datetime
    schedule: RetrySchedule = Field(default_factory=RetrySchedule)
    attempt_timeout_seconds: float = Field(default=30.0, gt=0)
    recipients: list[str] = Field(default_factory=list)  # the tenant's notification e-mails (calendar invites)
    timezone: str = "UTC"  # the business's (a date without a time is a whole day there)

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt and every redrive: a receiver applies the delivery once."""
        return self.delivery_id


class DeliveryPlan(BaseModel):
    """The deliveries to start (possibly none) and the task queue their workflows run on."""

    deliveries: list[DeliveryInput] = Field(default_factory=list)
    task_queue: str = ""


class Attempt(BaseModel):
    """Attempt number `attempt` (1-based) of a delivery."""

    delivery: DeliveryInput
    attempt: int = Field(ge=1)


class AttemptResult(BaseModel):
    """How an attempt went; `retryable` False parks the delivery at once (a refused host, a missing secret)."""

    ok: bool
    error: str | None = None
    retryable: bool = True
    detail: dict[str, Any] = Field(default_factory=dict)


class RecordDelivery(BaseModel):
    """An event of the delivery's stream and the status it leaves the delivery in."""

    delivery: DeliveryInput
    type: Literal["delivery.scheduled", "delivery.attempted", "delivery.delivered", "delivery.parked",
                  "delivery.redriven"]
    status: DeliveryStatus
    seq: int = Field(ge=1)  # the event's position in the delivery's stream: a retried record is a no-op
    attempts: int = 0
    error: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class Redrive(BaseModel):
    """An operator sends a parked delivery again."""

    actor: str


class RedriveResult(BaseModel):
    """The redrive was accepted; the delivery is being attempted again."""

    delivery_id: str
    status: DeliveryStatus


class RecordCallCost(BaseModel):
    """A finished call's relevant events; `use_rates` prices telephony from rates (the carrier's price is late)."""

    call_sid: str
    tenant_id: str | None = None
    events: list[CallEventIn]
    use_rates: bool = False


class FollowUpResult(BaseModel):
    """What a finished call set off: the deliveries started (a duplicate start is not counted) and its cost."""

    call_sid: str
    started: list[str] = Field(default_factory=list)
    already_started: list[str] = Field(default_factory=list)
    cost_lines: int = 0


def follow_up_workflow_id(call_sid: str) -> str:
    """The CallFollowUpWorkflow id of a call (one per call: a second start is a no-op)."""
    return f"call-followup-{call_sid}"


def delivery_workflow_id(delivery_id: str) -> str:
    """The DeliveryWorkflow id of a delivery (one workflow per call, integration and event)."""
    return f"delivery-{delivery_id}"

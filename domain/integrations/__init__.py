"""Post-call integrations: which call events trigger which deliveries, retry schedule, webhook signatures."""

from domain.integrations.deliveries import delivery_body, delivery_id, plan
from domain.integrations.messages import (
    Attempt,
    AttemptResult,
    DeliveryInput,
    DeliveryPlan,
    DeliveryStatus,
    FollowUpResult,
    PlanDeliveries,
    RecordDelivery,
    Redrive,
    RedriveResult,
    delivery_workflow_id,
    follow_up_workflow_id,
)
from domain.integrations.retry import RetrySchedule, backoff, next_delay
from domain.integrations.signature import HEADER, sign, verify
from domain.integrations.triggers import CallFacts, Trigger, call_facts, call_triggers, relevant

__all__ = [
    "HEADER", "Attempt", "AttemptResult", "CallFacts", "DeliveryInput", "DeliveryPlan", "DeliveryStatus",
    "FollowUpResult", "PlanDeliveries", "RecordDelivery", "Redrive", "RedriveResult", "RetrySchedule", "Trigger",
    "backoff", "call_facts", "call_triggers", "delivery_body", "delivery_id", "delivery_workflow_id",
    "follow_up_workflow_id", "next_delay", "plan", "relevant", "sign", "verify",
]  # fmt: skip

"""Which deliveries a call produces: each configured integration, for each of its events the call produced.

A delivery's id is derived from (call, integration, event), so planning the same call twice plans the same
deliveries and starting one twice is a no-op; the id is also the idempotency key every attempt carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.integrations.messages import DeliveryInput
from domain.integrations.retry import RetrySchedule
from domain.integrations.triggers import CallFacts, Trigger
from domain.objectives.integrations import Integration


def delivery_id(call_sid: str, integration_id: str, event: str) -> str:
    """`dlv_` + 32 hex digits of sha256(call, integration, event): stable, URL-safe, unique per triple."""
    digest = hashlib.sha256("\x1f".join((call_sid, integration_id, event)).encode("utf-8")).hexdigest()
    return f"dlv_{digest[:32]}"


def delivery_body(ident: str, trigger: Trigger, facts: CallFacts, occurred_at: datetime) -> dict[str, Any]:
    """What a receiver gets (the webhook's JSON; the other channels render from it)."""
    return {"id": ident, "event": trigger.event, "occurred_at": occurred_at.isoformat(),
            "call": facts.model_dump(mode="json", exclude={"smoke"}), "data": trigger.data}


def plan(facts: CallFacts, integrations: Sequence[Integration], triggers: Sequence[Trigger],
         occurred_at: datetime, schedule: RetrySchedule, **options: Any) -> list[DeliveryInput]:
    """One delivery per (integration, trigger) the integration listens to, in configuration then trigger order.

    `options`: DeliveryInput fields every delivery shares (`attempt_timeout_seconds`, `recipients`, `timezone`).
    A smoke call (onboarding testing a configuration) delivers nothing: no CRM, SMS or e-mail hears of it.
    """
    if facts.smoke:
        return []
    out: list[DeliveryInput] = []
    for integration in integrations:
        wanted = set(integration.on)
        for trigger in triggers:
            if trigger.event not in wanted:
                continue
            ident = delivery_id(facts.call_sid, integration.id, trigger.event)
            out.append(DeliveryInput(delivery_id=ident, call_sid=facts.call_sid, tenant_id=facts.tenant_id,
                                     event=trigger.event, integration=integration,
                                     body=delivery_body(ident, trigger, facts, occurred_at),
                                     occurred_at=occurred_at, schedule=schedule, **options))
    return out

"""Delivery activities: plan a finished call's deliveries, attempt one, record an attempt or outcome, notify.

Every record is an event of the delivery's stream (`delivery:<id>`, the truth) and an update of the `deliveries`
read model, in one transaction; the event's position makes a retried record a no-op.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.delivery_send import Sender
from activities.integrations_config import IntegrationsForCall
from activities.notify import Notice, Notifier
from domain.events import NewEvent, stream_name
from domain.integrations import call_facts, call_triggers, plan
from domain.integrations.messages import Attempt, AttemptResult, DeliveryPlan, PlanDeliveries, RecordDelivery
from domain.integrations.retry import RetrySchedule
from infra.db import event_store
from infra.db.tables_integrations import deliveries


def delivery_stream(delivery_id: str) -> str:
    """The event stream of one delivery."""
    return stream_name("delivery", delivery_id)


class DeliveryActivities:
    def __init__(self, engine: AsyncEngine, configs: IntegrationsForCall, sender: Sender, notifier: Notifier, *,
                 schedule: RetrySchedule, task_queue: str, attempt_timeout: float) -> None:
        self._engine = engine
        self._configs = configs
        self._sender = sender
        self._notifier = notifier
        self._schedule = schedule
        self._task_queue = task_queue
        self._attempt_timeout = attempt_timeout

    @activity.defn(name="integrations_plan_deliveries")
    async def plan_deliveries(self, cmd: PlanDeliveries) -> DeliveryPlan:
        facts = call_facts(cmd.call_sid, cmd.tenant_id, cmd.events)
        if facts.smoke:  # onboarding's rehearsal: nothing to deliver, nothing to read
            return DeliveryPlan(task_queue=self._task_queue)
        config = await self._configs.for_call(facts)
        if not config.integrations:
            return DeliveryPlan(task_queue=self._task_queue)
        ended = next((e.occurred_at for e in cmd.events if e.type == "call.ended"), cmd.events[-1].occurred_at)
        triggers = call_triggers(cmd.events, config.graph, facts)
        planned = plan(facts.model_copy(update={"config_version": config.version}), config.integrations, triggers,
                       ended, self._schedule, attempt_timeout_seconds=self._attempt_timeout,
                       recipients=config.notify_emails, timezone=config.timezone)
        return DeliveryPlan(deliveries=planned, task_queue=self._task_queue)

    @activity.defn(name="integrations_attempt_delivery")
    async def attempt(self, cmd: Attempt) -> AttemptResult:
        sent = await self._sender.send(cmd)
        return AttemptResult(ok=sent.ok, error=sent.error, retryable=sent.retryable, detail=sent.detail)

    @activity.defn(name="integrations_record_delivery")
    async def record(self, cmd: RecordDelivery) -> None:
        d = cmd.delivery
        stream = delivery_stream(d.delivery_id)
        tenant = UUID(d.tenant_id) if d.tenant_id else None
        payload = {"delivery_id": d.delivery_id, "status": cmd.status, "attempts": cmd.attempts, "error": cmd.error,
                   **cmd.payload}
        async with self._engine.begin() as conn:
            if await event_store.stream_version(conn, stream) >= cmd.seq:
                return  # recorded by an earlier try of this activity
            await event_store.append(conn, stream, [NewEvent(type=cmd.type, payload=payload, occurred_at=cmd.at)],
                                     expected_version=cmd.seq - 1, tenant_id=tenant)
            await conn.execute(_upsert(cmd, tenant, cmd.at))

    @activity.defn(name="integrations_notify")
    async def notify(self, notice: Notice) -> bool:
        sent = await self._notifier.notify(notice)
        if not sent.ok:
            activity.logger.warning("notification %s: %s", notice.key, sent.error)
        return sent.ok


def _upsert(cmd: RecordDelivery, tenant: UUID | None, at: datetime) -> Insert:
    d = cmd.delivery
    values: dict[str, object] = {"status": cmd.status, "attempts": cmd.attempts, "last_error": cmd.error,
                                 "updated_at": at}
    if cmd.status == "delivered":
        values["delivered_at"] = at
    return pg_insert(deliveries).values(
        id=d.delivery_id, tenant_id=tenant, call_sid=d.call_sid, integration_id=d.integration.id,
        integration_type=d.integration.type, event=d.event, created_at=at, **values,
    ).on_conflict_do_update(index_elements=["id"], set_=values)

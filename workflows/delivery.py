"""DeliveryWorkflow: one per (call, integration, event). Attempts on its own schedule, parks, waits for a redrive.

Every attempt and every outcome is recorded in the delivery's stream. The schedule (exponential backoff, a cap on
attempts and on age) comes with the input; a non-retryable failure (a refused host, a missing secret) parks at
once. A parked delivery waits, durably, for an operator's redrive, which starts a fresh schedule with the same
idempotency key, so a receiver that saw an earlier attempt applies it once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.delivery import DeliveryActivities
    from activities.notify import Notice
    from domain.errors import Conflict
    from domain.integrations.messages import (
        Attempt,
        AttemptResult,
        DeliveryInput,
        DeliveryStatus,
        RecordDelivery,
        Redrive,
        RedriveResult,
    )
    from domain.integrations.retry import next_delay

RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


@workflow.defn
class DeliveryWorkflow:
    def __init__(self) -> None:
        self._status: DeliveryStatus = "pending"
        self._attempts = 0
        self._recorded = 0
        self._redrives: list[Redrive] = []
        self._delivery_id = ""
        self._error: str | None = None

    @workflow.query
    def status(self) -> DeliveryStatus:
        return self._status

    @workflow.update
    async def redrive(self, cmd: Redrive) -> RedriveResult:
        self._redrives.append(cmd)
        self._status = "retrying"
        return RedriveResult(delivery_id=self._delivery_id, status=self._status)

    @redrive.validator
    def validate_redrive(self, cmd: Redrive) -> None:
        if self._status != "dead":
            raise Conflict(f"delivery {self._delivery_id} is {self._status}, not parked", code="delivery_not_parked")

    @workflow.run
    async def run(self, inp: DeliveryInput) -> DeliveryStatus:
        self._delivery_id = inp.delivery_id
        await self._record(inp, "delivery.scheduled", "pending")
        rounds = 0
        while not await self._attempt_until_parked(inp):
            rounds += 1
            await self._park(inp, rounds)
            await workflow.wait_condition(lambda: bool(self._redrives))
            cmd = self._redrives.pop(0)
            await self._record(inp, "delivery.redriven", "retrying", payload={"actor": cmd.actor})
        return self._status

    async def _attempt_until_parked(self, inp: DeliveryInput) -> bool:
        """True once delivered; False when the schedule ran out or a failure cannot be retried."""
        first = workflow.now()
        for made in range(1, inp.schedule.max_attempts + 1):
            self._attempts += 1
            result = await self._attempt(inp)
            payload: dict[str, Any] = {"attempt": self._attempts, "ok": result.ok, "detail": result.detail}
            if result.ok:
                await self._record(inp, "delivery.attempted", "delivered", payload=payload)
                await self._record(inp, "delivery.delivered", "delivered")
                return True
            self._error = result.error
            elapsed = (workflow.now() - first).total_seconds()
            delay = next_delay(inp.schedule, made, elapsed) if result.retryable else None
            payload["next_attempt_in_seconds"] = delay
            await self._record(inp, "delivery.attempted", "retrying" if delay is not None else "dead",
                               error=result.error, payload=payload)
            if delay is None:
                return False
            await workflow.sleep(timedelta(seconds=delay))
        return False

    async def _attempt(self, inp: DeliveryInput) -> AttemptResult:
        try:
            return await workflow.execute_activity_method(
                DeliveryActivities.attempt, Attempt(delivery=inp, attempt=self._attempts),
                start_to_close_timeout=timedelta(seconds=inp.attempt_timeout_seconds),
                retry_policy=RetryPolicy(maximum_attempts=1))  # the schedule above is the retry policy
        except ActivityError as exc:
            return AttemptResult(ok=False, error=f"attempt failed: {exc.cause or exc}"[:300])

    async def _park(self, inp: DeliveryInput, rounds: int) -> None:
        await self._record(inp, "delivery.parked", "dead", error=self._error)
        body = (f"{inp.integration.type} {inp.integration.id!r} for {inp.event} of call {inp.call_sid} is parked "
                f"after {self._attempts} attempt(s): {self._error}. Redrive: POST /v1/deliveries/{inp.delivery_id}"
                "/redrive")
        notice = Notice(key=f"{inp.delivery_id}:parked:{rounds}", channel="alert", subject="Delivery parked",
                        text=body, source="integrations", severity="warning",
                        detail={"delivery_id": inp.delivery_id, "tenant_id": inp.tenant_id})
        await workflow.execute_activity_method(DeliveryActivities.notify, notice,
                                               start_to_close_timeout=timedelta(seconds=60), retry_policy=RECORD_RETRY)

    async def _record(self, inp: DeliveryInput, type_: Any, status: DeliveryStatus, *, error: str | None = None,
                      payload: dict[str, Any] | None = None) -> None:
        self._recorded += 1
        self._status = status
        cmd = RecordDelivery(delivery=inp, type=type_, status=status, seq=self._recorded, attempts=self._attempts,
                             error=error, payload=payload or {}, at=workflow.now())
        await workflow.execute_activity_method(DeliveryActivities.record, cmd,
                                               start_to_close_timeout=timedelta(seconds=30), retry_policy=RECORD_RETRY)

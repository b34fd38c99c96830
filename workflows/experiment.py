"""ExperimentWorkflow: one per experiment. Admin updates move it; the stop-loss governor guards its caps.

Spend arrives by signal (absolute totals, within minutes of the spend: the live refresh after each
ingestion and the provider poll, and the daily rollup); a durable timer wakes it at the next time-cap
mark (80%, 90%, 100% of running time, in the tenant's days). Every decision is a domain function.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.capital import CapitalActivities
    from domain.capital.lifecycle import (
        FINAL,
        Action,
        AlertKind,
        Caps,
        Governor,
        check_override,
        due_alerts,
        seconds_to_next_time_mark,
        stop_loss_due,
        transition,
    )
    from domain.capital.messages import (
        AdminCommand,
        AlertCommand,
        ExperimentInput,
        ExperimentState,
        OverrideRequest,
        SpendUpdate,
        TransitionCommand,
        TransitionResult,
    )
    from domain.capital.models import ExperimentStatus
    from domain.errors import Conflict
    from infra.temporal.search_attributes import STATUS

RETRY = RetryPolicy(maximum_attempts=5, initial_interval=timedelta(milliseconds=200))
TIMEOUT = timedelta(seconds=30)


@workflow.defn
class ExperimentWorkflow:
    @workflow.init
    def __init__(self, data: ExperimentInput) -> None:
        self._lock = asyncio.Lock()
        self._dirty = False
        self._steps = 0
        self._stop_loss_at: datetime | None = None
        self._id, self._status, self._pause = data.experiment_id, data.status, data.pause_reason
        self._day = data.day_seconds
        self._g = Governor(caps=data.caps, spend_usd=data.spend_usd, running_seconds=data.running_seconds,
                           run_started_at=workflow.now() if data.status is ExperimentStatus.RUNNING else None,
                           timezone=data.timezone)

    @workflow.run
    async def run(self, data: ExperimentInput) -> ExperimentStatus:
        while self._status not in FINAL:
            timeout = seconds_to_next_time_mark(self._g, workflow.now(), self._day)
            try:
                await workflow.wait_condition(lambda: self._dirty or self._status in FINAL,
                                              timeout=None if timeout is None else max(timeout, 0.01))
            except TimeoutError:
                pass
            self._dirty = False
            async with self._lock:
                await self._govern()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._status

    async def _govern(self) -> None:
        now = workflow.now()
        for kind in due_alerts(self._g, now, self._day):
            detail = {"spend_usd": str(self._g.spend_usd), "tranches_consumed": str(self._g.tranches_consumed()),
                      "running_days": str(self._g.running_days(now, self._day)), **self._g.caps.model_dump(mode="json")}
            await workflow.execute_activity_method(
                CapitalActivities.raise_alert, AlertCommand(experiment_id=self._id, kind=kind.value,
                                                            cap_epoch=self._g.cap_epoch, detail=detail, at=now),
                start_to_close_timeout=TIMEOUT, retry_policy=RETRY)
            self._g.raised.append(kind)
        if self._status is ExperimentStatus.RUNNING and stop_loss_due(self._g, now, self._day):
            await self._apply(Action.STOP_LOSS, "governor")
            self._stop_loss_at = now

    async def _apply(self, action: Action, actor: str, **extra: object) -> TransitionResult:
        """Run the DB step; on success mirror it in the governor; a refusal (ActivityError) fails only this update."""
        now = workflow.now()
        self._steps += 1
        command = TransitionCommand(transition_id=f"{workflow.info().workflow_id}:{workflow.info().run_id}:"
                                    f"{self._steps}", experiment_id=self._id, action=action, at=now, actor=actor,
                                    **extra)  # type: ignore[arg-type]
        result = await workflow.execute_activity_method(CapitalActivities.apply_transition, command,
                                                        start_to_close_timeout=TIMEOUT, retry_policy=RETRY)
        if self._status is ExperimentStatus.RUNNING and result.status is not ExperimentStatus.RUNNING:
            assert self._g.run_started_at is not None
            self._g.running_seconds += self._g.live_seconds(now, self._day)
            self._g.run_started_at = None
        elif result.status is ExperimentStatus.RUNNING and self._status is not ExperimentStatus.RUNNING:
            self._g.run_started_at = now
        self._status, self._pause = result.status, result.pause_reason
        workflow.upsert_search_attributes([STATUS.value_set(self._status.value)])
        self._dirty = True
        return result

    def _check(self, action: Action) -> None:
        transition(self._status, self._pause, action)  # raises the domain's refusal

    async def _admin(self, action: Action, command: AdminCommand) -> TransitionResult:
        async with self._lock:
            self._check(action)
            return await self._apply(action, command.actor)

    @workflow.update
    async def start(self, command: AdminCommand) -> TransitionResult:
        return await self._admin(Action.START, command)

    @start.validator
    def _validate_start(self, command: AdminCommand) -> None:
        self._check(Action.START)

    @workflow.update
    async def pause(self, command: AdminCommand) -> TransitionResult:
        return await self._admin(Action.PAUSE, command)

    @pause.validator
    def _validate_pause(self, command: AdminCommand) -> None:
        self._check(Action.PAUSE)

    @workflow.update
    async def complete(self, command: AdminCommand) -> TransitionResult:
        return await self._admin(Action.COMPLETE, command)

    @complete.validator
    def _validate_complete(self, command: AdminCommand) -> None:
        self._check(Action.COMPLETE)

    @workflow.update
    async def terminate(self, command: AdminCommand) -> TransitionResult:
        return await self._admin(Action.TERMINATE, command)

    @terminate.validator
    def _validate_terminate(self, command: AdminCommand) -> None:
        self._check(Action.TERMINATE)

    def _override_caps(self, request: OverrideRequest) -> Caps:
        self._check(Action.OVERRIDE)
        return check_override(str(self._id), request.evaluation, self._stop_loss_at, self._g.spend_usd,
                              self._g.running_days(workflow.now(), self._day))

    @workflow.update
    async def override(self, request: OverrideRequest) -> TransitionResult:
        async with self._lock:
            caps = self._override_caps(request)
            result = await self._apply(Action.OVERRIDE, request.actor, caps=caps,
                                       evaluation_id=request.evaluation_id, rationale=request.rationale)
            self._g.caps, self._g.cap_epoch, self._g.raised = caps, self._g.cap_epoch + 1, []
            return result

    @override.validator
    def _validate_override(self, request: OverrideRequest) -> None:
        self._override_caps(request)

    @workflow.update
    async def request_evaluation(self, command: AdminCommand) -> bool:
        """The manual evaluation trigger: an interrupt alert and the flag; nothing else changes."""
        async with self._lock:
            self._check_live()
            alert = AlertCommand(experiment_id=self._id, kind=AlertKind.EVALUATION_REQUESTED.value,
                                 cap_epoch=self._g.cap_epoch, detail={"by": command.actor}, at=workflow.now())
            return await workflow.execute_activity_method(CapitalActivities.raise_alert, alert,
                                                          start_to_close_timeout=TIMEOUT, retry_policy=RETRY)

    @request_evaluation.validator
    def _validate_request(self, command: AdminCommand) -> None:
        self._check_live()

    def _check_live(self) -> None:
        if self._status in FINAL:
            raise Conflict(f"experiment is {self._status.value}", code="experiment_final")

    @workflow.signal
    def record_spend(self, update: SpendUpdate) -> None:
        """Spend as it is ingested (the live refresh, within minutes) or rolled up daily; the newest total wins."""
        if self._g.record_spend(update.spend_usd, update.as_of):
            self._dirty = True

    @workflow.query
    def state(self) -> ExperimentState:
        return ExperimentState(status=self._status, pause_reason=self._pause, governor=self._g,
                               stop_loss_at=self._stop_loss_at)

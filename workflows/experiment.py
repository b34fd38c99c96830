"""ExperimentWorkflow: one per experiment. Admin updates move it; the stop-loss governor guards its caps.

Spend arrives by signal (absolute totals from the daily rollup); a durable timer wakes it at the next
time-cap mark (80%, 90%, 100% of running time). Every decision is a domain function.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.capital import AlertCommand
    from domain.capital.lifecycle import (
        FINAL,
        Action,
        AlertKind,
        Caps,
        EvaluationFacts,
        Governor,
        check_override,
        due_alerts,
        seconds_to_next_time_mark,
        stop_loss_due,
        transition,
    )
    from domain.capital.models import ExperimentStatus, PauseReason
    from domain.errors import DomainError
    from infra.db.capital_lifecycle import TransitionCommand, TransitionResult
    from infra.temporal.search_attributes import STATUS

RETRY = RetryPolicy(maximum_attempts=5, initial_interval=timedelta(milliseconds=200))
TIMEOUT = timedelta(seconds=30)


class ExperimentInput(BaseModel):
    experiment_id: UUID
    status: ExperimentStatus
    pause_reason: PauseReason | None = None
    caps: Caps
    spend_usd: Decimal = Decimal(0)
    running_seconds: float = 0.0
    day_seconds: float = 86400.0


class AdminCommand(BaseModel):
    actor: str


class OverrideRequest(BaseModel):
    actor: str
    evaluation_id: UUID
    rationale: str
    evaluation: EvaluationFacts | None = None


class SpendUpdate(BaseModel):
    spend_usd: Decimal


class ExperimentState(BaseModel):
    status: ExperimentStatus
    pause_reason: PauseReason | None
    governor: Governor
    stop_loss_at: datetime | None


def _refuse(error: DomainError) -> ApplicationError:
    return ApplicationError(error.message, error.details, type=error.code, non_retryable=True)


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
                           run_started_at=workflow.now() if data.status is ExperimentStatus.RUNNING else None)

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
            await workflow.execute_activity(
                "capital_raise_alert", AlertCommand(experiment_id=self._id, kind=kind.value,
                                                    cap_epoch=self._g.cap_epoch, detail=detail, at=now),
                start_to_close_timeout=TIMEOUT, retry_policy=RETRY, result_type=bool)
            self._g.raised.append(kind)
        if self._status is ExperimentStatus.RUNNING and stop_loss_due(self._g, now, self._day):
            await self._apply(Action.STOP_LOSS, "governor")
            self._stop_loss_at = now

    async def _apply(self, action: Action, actor: str, **extra: object) -> TransitionResult:
        """Run the DB step; on success mirror it in the governor; a refusal fails only this update."""
        now = workflow.now()
        self._steps += 1
        command = TransitionCommand(transition_id=f"{workflow.info().workflow_id}:{workflow.info().run_id}:"
                                    f"{self._steps}", experiment_id=self._id, action=action, at=now, actor=actor,
                                    **extra)  # type: ignore[arg-type]
        try:
            result: TransitionResult = await workflow.execute_activity(
                "capital_apply_transition", command, start_to_close_timeout=TIMEOUT, retry_policy=RETRY,
                result_type=TransitionResult)
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError):
                raise ApplicationError(cause.message, type=cause.type, non_retryable=True) from error
            raise
        if self._status is ExperimentStatus.RUNNING and result.status is not ExperimentStatus.RUNNING:
            assert self._g.run_started_at is not None
            self._g.running_seconds += (now - self._g.run_started_at).total_seconds()
            self._g.run_started_at = None
        elif result.status is ExperimentStatus.RUNNING and self._status is not ExperimentStatus.RUNNING:
            self._g.run_started_at = now
        self._status, self._pause = result.status, result.pause_reason
        workflow.upsert_search_attributes([STATUS.value_set(self._status.value)])
        self._dirty = True
        return result

    def _check(self, action: Action) -> None:
        try:
            transition(self._status, self._pause, action)
        except DomainError as error:
            raise _refuse(error) from error

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
        try:
            return check_override(str(self._id), request.evaluation, self._stop_loss_at, self._g.spend_usd,
                                  self._g.running_days(workflow.now(), self._day))
        except DomainError as error:
            raise _refuse(error) from error

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
            return bool(await workflow.execute_activity(
                "capital_raise_alert", AlertCommand(experiment_id=self._id, kind=AlertKind.EVALUATION_REQUESTED.value,
                                                    cap_epoch=self._g.cap_epoch, detail={"by": command.actor},
                                                    at=workflow.now()),
                start_to_close_timeout=TIMEOUT, retry_policy=RETRY, result_type=bool))

    @request_evaluation.validator
    def _validate_request(self, command: AdminCommand) -> None:
        self._check_live()

    def _check_live(self) -> None:
        if self._status in FINAL:
            raise ApplicationError(f"experiment is {self._status.value}", type="experiment_final", non_retryable=True)

    @workflow.signal
    def record_spend(self, update: SpendUpdate) -> None:
        self._g.spend_usd = update.spend_usd
        self._dirty = True

    @workflow.query
    def state(self) -> ExperimentState:
        return ExperimentState(status=self._status, pause_reason=self._pause, governor=self._g,
                               stop_loss_at=self._stop_loss_at)

"""The one bridge between domain refusals and Temporal failures, both ways.

Out: a `DomainError` raised in an activity, an update (handler or validator) or a workflow leaves as
`ApplicationError(type=<the domain code>, non_retryable=True)`, its kind (Conflict, InvalidInput...)
and details in the error's details. The worker's `DomainErrorInterceptor` does it, so activities and
workflows raise domain errors like the rest of the code and nobody else converts them.

Back: `domain_error_from` finds the `ApplicationError` inside any Temporal failure (an update that
failed, an activity error, a failed workflow) and rebuilds the same kind of `DomainError` with the
same code; RPC failures become "the workflow has finished" or "Temporal did not answer".
"""

from __future__ import annotations

from typing import Any

from temporalio import activity
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    ExecuteWorkflowInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from domain.errors import (
    ConcurrencyConflict,
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    Unavailable,
)

# Most specific first: the first of these an error is an instance of is the kind that travels.
KINDS: tuple[type[DomainError], ...] = (ConcurrencyConflict, Conflict, InvalidInput, NotFound, PermissionDenied,
                                        Unauthenticated, Unavailable, DomainError)
_BY_NAME = {kind.__name__: kind for kind in KINDS}


def kind_of(error: DomainError) -> type[DomainError]:
    """The kind `error` travels as (its nearest class in KINDS)."""
    return next(kind for kind in KINDS if isinstance(error, kind))


def to_application_error(error: DomainError) -> ApplicationError:
    """A business refusal for Temporal: not retried, its code as the error type."""
    return ApplicationError(error.message, {"kind": kind_of(error).__name__, "details": error.details},
                            type=error.code, non_retryable=True)


def _application_error(failure: BaseException) -> ApplicationError | None:
    seen: BaseException | None = failure
    while seen is not None:
        if isinstance(seen, ApplicationError):
            return seen
        seen = seen.__cause__
    return None


def domain_error_from(failure: BaseException) -> DomainError | None:
    """The refusal a Temporal failure carries, as the DomainError it was; None when it carries none (a bug)."""
    if isinstance(failure, RPCError):
        if failure.status is RPCStatusCode.NOT_FOUND:
            return Conflict(f"the workflow no longer accepts this: {failure.message}", code="workflow_closed")
        return Unavailable(f"Temporal did not answer: {failure.message}", code="temporal_unavailable")
    found = _application_error(failure)
    if found is None:
        if isinstance(failure, RPCTimeoutOrCancelledError):
            return Unavailable("Temporal did not answer in time", code="temporal_unavailable")
        return None
    info: dict[str, Any] = found.details[0] if found.details and isinstance(found.details[0], dict) else {}
    kind = _BY_NAME.get(str(info.get("kind")))
    if kind is None:
        return None  # not a refusal: e.g. an activity's unexpected exception after its retries ran out
    details = info.get("details")
    return kind(found.message, code=found.type or "refused", details=details if isinstance(details, dict) else None)


class _ActivityInbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except DomainError as error:
            activity.logger.info("activity refused: %s (%s)", error.message, error.code)
            raise to_application_error(error) from error


class _WorkflowInbound(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        try:
            return await super().execute_workflow(input)
        except DomainError as error:
            raise to_application_error(error) from error

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        try:
            super().handle_update_validator(input)
        except DomainError as error:
            raise to_application_error(error) from error

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        try:
            return await super().handle_update_handler(input)
        except DomainError as error:
            raise to_application_error(error) from error


class DomainErrorInterceptor(Interceptor):
    """Every worker's edge: domain refusals out of activities, updates and workflows become ApplicationErrors."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityInbound(next)

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput
                                   ) -> type[WorkflowInboundInterceptor] | None:
        return _WorkflowInbound

"""The error bridge: a domain refusal crosses Temporal (through the real failure converter) and comes back the same."""

from __future__ import annotations

import pytest
from temporalio.api.failure.v1 import Failure
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ActivityError, ApplicationError, RetryState
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import ConcurrencyConflict, Conflict, DomainError, InvalidInput, PermissionDenied, Unavailable
from infra.temporal.errors import domain_error_from, to_application_error


async def _through_temporal(error: BaseException) -> BaseException:
    failure = Failure()
    await pydantic_data_converter.encode_failure(error, failure)
    return await pydantic_data_converter.decode_failure(failure)


class ExperimentFinal(Conflict):
    code = "experiment_final"


@pytest.mark.parametrize("error", [
    InvalidInput("max_steps=1 is fewer than the contract's 2 steps", code="invalid_constraints",
                 details={"steps": 2}),
    Conflict("another experiment is already running", code="experiment_already_running"),
    PermissionDenied("only the founder decides contracts", code="founder_only"),
    ConcurrencyConflict("stream moved", code="concurrency_conflict"),
    ExperimentFinal("experiment is completed"),
])
async def test_a_refusal_comes_back_as_the_same_kind_code_message_and_details(error: DomainError) -> None:
    sent = to_application_error(error)
    assert sent.non_retryable and sent.type == error.code
    received = await _through_temporal(sent)
    back = domain_error_from(received)
    assert back is not None
    assert (back.code, back.message, back.details) == (error.code, error.message, error.details)
    expected_kind = Conflict if isinstance(error, ExperimentFinal) else type(error)
    assert type(back) is expected_kind


async def test_the_refusal_is_found_inside_an_update_that_failed_on_an_activity() -> None:
    refusal = to_application_error(InvalidInput("unknown capabilities: crm", code="scope_ineligible"))
    activity_error = ActivityError("activity failed", scheduled_event_id=1, started_event_id=2, identity="w",
                                   activity_type="check_scope", activity_id="1",
                                   retry_state=RetryState.NON_RETRYABLE_FAILURE)
    activity_error.__cause__ = refusal
    failed = WorkflowUpdateFailedError(await _through_temporal(activity_error))
    back = domain_error_from(failed)
    assert isinstance(back, InvalidInput) and back.code == "scope_ineligible"


def test_temporal_failures_without_a_refusal() -> None:
    closed = domain_error_from(RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b""))
    assert isinstance(closed, Conflict) and closed.code == "workflow_closed"
    down = domain_error_from(RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b""))
    assert isinstance(down, Unavailable) and down.code == "temporal_unavailable"
    slow = domain_error_from(WorkflowUpdateRPCTimeoutOrCancelledError())
    assert isinstance(slow, Unavailable)
    # An activity's unexpected exception arrives as an ApplicationError too, but it is no refusal: a 500, not a 409.
    assert domain_error_from(WorkflowUpdateFailedError(ApplicationError("bug", type="ValueError"))) is None
    assert domain_error_from(WorkflowUpdateFailedError(RuntimeError("no refusal inside"))) is None

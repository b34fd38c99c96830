"""Starting TenantOnboardingWorkflow: the API's onboarding routes and governed change's voice executor start it here.

One run at a time per version (its id names tenant and version); a second start while one runs is refused
(409 `onboarding_in_progress`). A starter may leave its request id in the run's memo, so it can find its own run
again after a retry instead of starting another.
"""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.errors import Conflict
from domain.onboarding.messages import OnboardingInput, onboarding_workflow_id
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.search_attributes import KIND, STATUS, TENANT_ID
from workflows.tenant_onboarding import TenantOnboardingWorkflow

REQUEST_ID = "request_id"  # the memo key a starter's request id is kept under


async def start_onboarding(client: Client, settings: Settings, data: OnboardingInput,
                           request_id: str | None = None) -> str:
    """Start the workflow (one run at a time per version); 409 onboarding_in_progress while one runs."""
    workflow_id = onboarding_workflow_id(data.tenant_id, data.version)
    try:
        await client.start_workflow(
            TenantOnboardingWorkflow.run, data, id=workflow_id, task_queue=settings.queue(queues.ONBOARDING),
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            memo={REQUEST_ID: request_id} if request_id else None,
            search_attributes=TypedSearchAttributes([SearchAttributePair(TENANT_ID, str(data.tenant_id)),
                                                     SearchAttributePair(KIND, "onboarding"),
                                                     SearchAttributePair(STATUS, "running")]))
    except WorkflowAlreadyStartedError as exc:
        raise Conflict(f"version {data.version} is being onboarded already ({workflow_id})",
                       code="onboarding_in_progress") from exc
    return workflow_id

"""Issue intake: receipt, and the public entry point other domains use to file an issue.

`receive_issue` is a plain async function (the API and e.g. the kernel call it): idempotent on
(source, external_id), stores the issue as RECEIVED, records the delivery, starts the workflow.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.governance.approvals import key_id_for
from domain.governance.issues import IssueReceipt, IssueStatus, IssueView, tenant_of
from domain.governance.messages import ContractLifecycleInput, LifecyclePolicy, lifecycle_workflow_id
from infra.approval_secret import approval_secret
from infra.db.governance_repo import append_once, issue_stream, issue_view
from infra.db.tables_governance import issue_events, issues
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.search_attributes import KIND, STATUS, TENANT_ID
from workflows.contract_lifecycle import ContractLifecycleWorkflow

__all__ = ["IssueReceipt", "IssueView", "policy_from", "receive_issue"]


def policy_from(settings: Settings) -> LifecyclePolicy:
    """The policy a new lifecycle runs with; its approvals must be signed with this deployment's key."""
    return LifecyclePolicy(
        draft_ttl_seconds=settings.contract_draft_ttl_seconds,
        confidence_threshold=settings.eligibility_confidence_threshold,
        manual_triage_types=list(settings.governance_manual_triage_types),
        activation_delay_seconds=settings.governance_activation_delay_seconds,
        activation_window_seconds=settings.governance_activation_window_seconds,
        step_interval_seconds=settings.governance_step_interval_seconds,
        founder_notify=settings.governance_founder_notify,
        approval_key_id=key_id_for(approval_secret(settings)),
        scope_recheck_seconds=settings.governance_scope_recheck_seconds,
        observation_window_seconds=settings.governance_observation_window_seconds,
        draft_reminder_seconds=settings.governance_draft_reminder_seconds,
        inconclusive_deadline_seconds=settings.governance_inconclusive_deadline_seconds,
        step_timeout_seconds=settings.governance_step_timeout_seconds,
    )


async def _store(engine: AsyncEngine, receipt: IssueReceipt, now: datetime) -> tuple[IssueView, bool]:
    """Insert the issue (or find the existing one) and record this delivery, in one transaction."""
    issue_id = uuid.uuid4()
    row: dict[str, Any] = {
        "id": issue_id, "source": receipt.source, "external_id": receipt.external_id,
        "status": IssueStatus.RECEIVED.value, "raw_payload": receipt.raw_payload,
        "tenant_id": tenant_of(receipt.raw_payload), "workflow_id": lifecycle_workflow_id(issue_id),
        "received_at": now, "updated_at": now,
    }
    async with engine.begin() as conn:
        inserted = (await conn.execute(
            pg_insert(issues).values(**row).on_conflict_do_nothing(constraint="uq_issues_source_external_id")
            .returning(*issues.c))).mappings().first()
        if inserted is None:
            inserted = (await conn.execute(select(issues).where(
                issues.c.source == receipt.source, issues.c.external_id == receipt.external_id))).mappings().one()
        duplicate = inserted["id"] != issue_id
        await conn.execute(insert(issue_events).values(
            issue_id=inserted["id"], source=receipt.source, external_id=receipt.external_id,
            raw_payload=receipt.raw_payload, duplicate=duplicate, received_at=now))
        await append_once(conn, issue_stream(inserted["id"]), uuid.uuid4(),
                          "issue.redelivered" if duplicate else "issue.received",
                          {"source": receipt.source, "external_id": receipt.external_id,
                           "raw_payload": receipt.raw_payload}, now, row["tenant_id"])
        return issue_view(inserted, duplicate=duplicate), duplicate


async def receive_issue(engine: AsyncEngine, client: Client, settings: Settings, receipt: IssueReceipt,
                        now: datetime) -> IssueView:
    """File an issue and start its ContractLifecycleWorkflow; a repeated delivery returns the same issue."""
    policy = policy_from(settings)  # before storing: without a signing key nothing is filed half-way
    view, _ = await _store(engine, receipt, now)
    # Starting is idempotent too (same workflow id, USE_EXISTING): a duplicate delivery after a crash
    # between the insert and the start still gets its workflow.
    try:
        await _start(client, settings, view, policy)
    except WorkflowAlreadyStartedError:
        pass  # the issue's lifecycle already ran to its end; a redelivery never restarts it
    return view


async def _start(client: Client, settings: Settings, view: IssueView, policy: LifecyclePolicy) -> None:
    await client.start_workflow(
        ContractLifecycleWorkflow.run,
        ContractLifecycleInput(issue_id=view.id, policy=policy),
        id=view.workflow_id,
        task_queue=settings.queue(queues.GOVERNANCE),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=TypedSearchAttributes([
            SearchAttributePair(TENANT_ID, str(view.tenant_id) if view.tenant_id else "platform"),
            SearchAttributePair(STATUS, IssueStatus.RECEIVED.value),
            SearchAttributePair(KIND, "contract_lifecycle"),
        ]),
    )

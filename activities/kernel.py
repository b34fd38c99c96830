"""Kernel activities: run a stored-data cycle (one transaction) and file its governed actions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.kernel_issues import IssueFiler, KernelIssue
from domain.events import NewEvent, stream_name
from domain.kernel.assembly import analysis_window, build_input
from domain.kernel.messages import CycleOutcome, FileKernelActions, FilingOutcome, RunKernelCycle
from domain.kernel.outputs import KernelError, KernelOutput, dump_contract
from infra.db import event_store
from infra.db.kernel_facts import CampaignSource, load_facts
from infra.db.kernel_store import execute_cycle, latest_policy


def outcome_of(cycle_id: UUID, result: KernelOutput | KernelError) -> CycleOutcome:
    if isinstance(result, KernelOutput):
        return CycleOutcome(cycle_id=cycle_id, status="completed", result=dump_contract(result))
    return CycleOutcome(cycle_id=cycle_id, status="error", code=result.code, http_status=result.http_status,
                        result=dump_contract(result))


class KernelActivities:
    def __init__(self, engine: AsyncEngine, campaigns: CampaignSource, filer: IssueFiler) -> None:
        self._engine, self._campaigns, self._filer = engine, campaigns, filer

    @activity.defn(name="kernel_run_cycle")
    async def run_cycle(self, command: RunKernelCycle) -> CycleOutcome:
        """Build the input from stored data, run the kernel, store input and result."""
        window = analysis_window(command.now, command.window_days)
        async with self._engine.begin() as conn:
            policy = await latest_policy(conn, command.tenant_id)
            facts = await load_facts(conn, command.tenant_id, window, self._campaigns)
            payload = build_input(str(command.tenant_id), policy, command.trigger_type, command.source,
                                  command.now, window, facts)
            stored = await execute_cycle(conn, payload, cycle_id=command.cycle_id, now=command.now)
        return outcome_of(stored.cycle_id, stored.result)

    @activity.defn(name="kernel_file_actions")
    async def file_actions(self, command: FileKernelActions) -> FilingOutcome:
        """File each action as an ops_alert issue, or record it as kernel.action_recommended."""
        filed: list[str] = []
        recorded: list[str] = []
        async with self._engine.connect() as conn:
            policy = await latest_policy(conn, command.tenant_id)
        for action in command.actions:
            issue = KernelIssue(tenant_id=str(command.tenant_id), cycle_id=str(command.cycle_id), action=action,
                                policy=policy)
            if self._filer.available:
                receipt = await self._filer.file(issue, command.now)
                await self._record(issue, "kernel.action_filed", command.now, issue_id=receipt.issue_id)
                filed.append(issue.external_id)
            else:
                await self._record(issue, "kernel.action_recommended", command.now)
                recorded.append(issue.external_id)
        return FilingOutcome(governance_available=self._filer.available, filed=filed, recorded_only=recorded)

    async def _record(self, issue: KernelIssue, event_type: str, now: datetime, **extra: str) -> None:
        stream = stream_name("kernel", issue.tenant_id)
        async with self._engine.begin() as conn:
            seen = await conn.execute(text(
                "SELECT 1 FROM events WHERE stream = :s AND type = :t AND payload->>'external_id' = :x LIMIT 1"),
                {"s": stream, "t": event_type, "x": issue.external_id})
            if seen.first() is not None:
                return  # a retried activity: already recorded
            payload = {"external_id": issue.external_id, "cycle_id": issue.cycle_id, "action": issue.action, **extra}
            await event_store.append(conn, stream, [NewEvent(type=event_type, payload=payload, occurred_at=now)],
                                     tenant_id=UUID(issue.tenant_id))

"""Step 7: governance jobs against the capability state store.

A job gets a `JobStatePort`: read state and apply one step. The port has no method that writes
health signals, and the store behind it touches only jobs, steps and capability state, so a job
cannot write or override health (PART2-003). Every step is applied exactly once: the step row is
locked and marked APPLIED in the same transaction that changes the state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.governance.changes import ProposedChanges
from domain.governance.commands import ApplyStep, FinishedJob, FinishJob, StartedJob, StartJob
from domain.governance.contracts import ActivationWindow
from domain.governance.jobs import JobStep, apply, execution_steps, rollback_steps
from infra.db.governance_repo import append_once, contract_stream, get_contract, snapshot
from infra.db.tables_governance import capability_states, governance_job_steps, governance_jobs


class JobStatePort(Protocol):
    """All a job may do to the world: read capability state and apply its own steps."""

    async def read_state(self, capability: str) -> dict[str, Any] | None: ...

    async def apply_step(self, job_id: UUID, seq: int, window: ActivationWindow | None, now: datetime
                         ) -> JobStep: ...


class CapabilityStateStore:
    """The JobStatePort over Postgres."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def read_state(self, capability: str) -> dict[str, Any] | None:
        async with self._engine.connect() as conn:
            row = await conn.execute(select(capability_states.c.state)
                                     .where(capability_states.c.capability == capability))
            value = row.scalar_one_or_none()
            return dict(value) if value is not None else None

    async def apply_step(self, job_id: UUID, seq: int, window: ActivationWindow | None, now: datetime) -> JobStep:
        async with self._engine.begin() as conn:
            step_row = (await conn.execute(select(governance_job_steps).where(
                governance_job_steps.c.job_id == job_id, governance_job_steps.c.seq == seq).with_for_update()
            )).mappings().one()
            step = JobStep.model_validate(dict(step_row))
            if step_row["status"] == "APPLIED":
                return step  # a retry after the first attempt committed: never apply twice
            if window is not None and not window.contains(now):
                raise ApplicationError(f"step {seq} refused: {now.isoformat()} is outside the activation window",
                                       type="outside_window", non_retryable=True)
            await self._write(conn, job_id, step, now)
            return step

    async def _write(self, conn: AsyncConnection, job_id: UUID, step: JobStep, now: datetime) -> None:
        state_row = (await conn.execute(select(capability_states).where(
            capability_states.c.capability == step.capability).with_for_update())).mappings().first()
        if state_row is None:
            raise ApplicationError(f"capability {step.capability} has no state", type="unknown_capability",
                                   non_retryable=True)
        before = dict(state_row["state"])
        after = apply(before, step)
        await conn.execute(update(capability_states).where(capability_states.c.capability == step.capability)
                           .values(state=after, version=state_row["version"] + 1, updated_at=now))
        await conn.execute(update(governance_job_steps).where(
            governance_job_steps.c.job_id == job_id, governance_job_steps.c.seq == step.seq
        ).values(status="APPLIED", previous_state=before, applied_at=now))
        await append_once(conn, f"capability:{step.capability}", _step_event_id(job_id, step.seq),
                          "capability.changed", {"job_id": str(job_id), "seq": step.seq, "op": step.op,
                                                 "before": before, "after": after}, now)


def _step_event_id(job_id: UUID, seq: int) -> UUID:
    return UUID(int=(job_id.int + seq) % (1 << 128))


class JobActivities:
    """Creates, runs and closes governance jobs; the steps go through the JobStatePort only."""

    def __init__(self, engine: AsyncEngine, store: JobStatePort) -> None:
        self._engine = engine
        self._store = store

    @activity.defn(name="start_job")
    async def start_job(self, cmd: StartJob) -> StartedJob:
        async with self._engine.begin() as conn:
            existing = (await conn.execute(select(governance_jobs.c.id).where(governance_jobs.c.id == cmd.job_id)
                                           )).first()
            if existing is None:
                steps = await self._plan(conn, cmd)
                await self._insert(conn, cmd, steps)
            rows = await conn.execute(select(governance_job_steps).where(governance_job_steps.c.job_id == cmd.job_id)
                                      .order_by(governance_job_steps.c.seq))
            return StartedJob(job_id=cmd.job_id, steps=[JobStep.model_validate(dict(r)) for r in rows.mappings()])

    async def _plan(self, conn: AsyncConnection, cmd: StartJob) -> list[JobStep]:
        if cmd.kind == "rollback":
            assert cmd.rollback_of is not None
            before = (await conn.execute(select(governance_jobs.c.before_snapshot).where(
                governance_jobs.c.id == cmd.rollback_of))).scalar_one()
            return rollback_steps(before, await snapshot(conn))
        contract = await get_contract(conn, cmd.contract_id)
        assert contract is not None
        changes = ProposedChanges.model_validate(contract["proposed_changes"]).changes
        if len(changes) > cmd.max_steps:
            raise ApplicationError(f"{len(changes)} steps exceed the constraint max_steps={cmd.max_steps}",
                                   type="too_many_steps", non_retryable=True)
        return execution_steps(list(changes))

    async def _insert(self, conn: AsyncConnection, cmd: StartJob, steps: list[JobStep]) -> None:
        before = await snapshot(conn)
        await conn.execute(pg_insert(governance_jobs).values(
            id=cmd.job_id, contract_id=cmd.contract_id, kind=cmd.kind, status="PENDING",
            before_snapshot=before, created_at=cmd.at))
        if steps:
            await conn.execute(pg_insert(governance_job_steps), [
                {**s.model_dump(), "job_id": cmd.job_id, "status": "PENDING"} for s in steps])
        await conn.execute(update(governance_jobs).where(governance_jobs.c.id == cmd.job_id)
                           .values(status="RUNNING", started_at=cmd.at))
        await append_once(conn, contract_stream(cmd.contract_id), cmd.job_id, "job.started",
                          {"job_id": str(cmd.job_id), "kind": cmd.kind, "steps": len(steps),
                           "rollback_of": str(cmd.rollback_of) if cmd.rollback_of else None}, cmd.at)

    @activity.defn(name="apply_job_step")
    async def apply_job_step(self, cmd: ApplyStep) -> None:
        await self._store.apply_step(cmd.job_id, cmd.seq, cmd.window, datetime.now(UTC))

    @activity.defn(name="finish_job")
    async def finish_job(self, cmd: FinishJob) -> FinishedJob:
        async with self._engine.begin() as conn:
            job = (await conn.execute(select(governance_jobs).where(governance_jobs.c.id == cmd.job_id)
                                      .with_for_update())).mappings().one()
            after = await snapshot(conn)
            if job["status"] == "RUNNING":
                await conn.execute(update(governance_jobs).where(governance_jobs.c.id == cmd.job_id).values(
                    status=cmd.status, after_snapshot=after, finished_at=cmd.at, error=cmd.error))
                steps = await conn.execute(select(governance_job_steps.c.seq, governance_job_steps.c.status)
                                           .where(governance_job_steps.c.job_id == cmd.job_id))
                await append_once(conn, contract_stream(job["contract_id"]), _step_event_id(cmd.job_id, 10_000),
                                  "job.finished", {"job_id": str(cmd.job_id), "kind": job["kind"],
                                                   "status": cmd.status, "error": cmd.error,
                                                   "steps": {str(s): st for s, st in steps}}, cmd.at)
            reference = job["before_snapshot"]
            if job["kind"] == "rollback":
                reference = (await conn.execute(select(governance_jobs.c.before_snapshot).where(
                    governance_jobs.c.contract_id == job["contract_id"], governance_jobs.c.kind == "execute")
                )).scalar_one()
            return FinishedJob(job_id=cmd.job_id, status=cmd.status, restored_prior_state=after == reference)

"""Governance jobs: a contract's changes applied through the capabilities' executors, each step exactly once.

A job gets a `JobStatePort` (read a scope, apply a change, restore a scope; activities/governance_executors.py).
The port has no method that touches health, so a job cannot write or override health: a job never judges
its own outcome. Each step runs in one transaction that locks the step row, calls the executor (the
owner domain's own command, in that transaction) and marks the step APPLIED, so a retried or replayed
step is a no-op. Snapshots and rollback cover the contract's own scopes only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.governance_executors import JobStatePort
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import Snapshot
from domain.governance.changes import ProposedChanges, split_scope
from domain.governance.contracts import ActivationWindow
from domain.governance.jobs import JobStep, execution_steps, rollback_steps
from domain.governance.messages import ApplyStep, FinishedJob, FinishJob, StartedJob, StartJob
from domain.governance.scopes import ScopeState
from infra.db.governance_repo import append_once, contract_stream, get_contract
from infra.db.tables_governance import governance_job_steps, governance_jobs


async def _changes(conn: AsyncConnection, contract_id: UUID) -> ProposedChanges:
    contract = await get_contract(conn, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} does not exist", code="contract_not_found")
    return ProposedChanges.model_validate(contract["proposed_changes"])


async def _job(conn: AsyncConnection, job_id: UUID, *, lock: bool = False) -> RowMapping:
    query = select(governance_jobs).where(governance_jobs.c.id == job_id)
    row = (await conn.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound(f"governance job {job_id} does not exist", code="job_not_found")
    return row


def _step_event_id(job_id: UUID, seq: int) -> UUID:
    return UUID(int=(job_id.int + seq) % (1 << 128))


class JobActivities:
    """Creates, runs and closes governance jobs; the steps go through the JobStatePort only."""

    def __init__(self, engine: AsyncEngine, store: JobStatePort) -> None:
        self._engine = engine
        self._store = store

    async def _read(self, conn: AsyncConnection, scopes: list[str]) -> dict[str, ScopeState]:
        return {s: await self._store.read_scope(conn, *split_scope(s)) for s in scopes}

    @activity.defn(name="start_job")
    async def start_job(self, cmd: StartJob) -> StartedJob:
        async with self._engine.begin() as conn:
            existing = (await conn.execute(select(governance_jobs.c.id).where(governance_jobs.c.id == cmd.job_id)
                                           )).first()
            if existing is None:
                scopes = (await _changes(conn, cmd.contract_id)).scopes()
                states = await self._read(conn, scopes)
                steps = await self._plan(conn, cmd, scopes, states)
                await self._insert(conn, cmd, steps, scopes, states)
            rows = await conn.execute(select(governance_job_steps).where(governance_job_steps.c.job_id == cmd.job_id)
                                      .order_by(governance_job_steps.c.seq))
            return StartedJob(job_id=cmd.job_id, steps=[JobStep.model_validate(dict(r)) for r in rows.mappings()])

    async def _plan(self, conn: AsyncConnection, cmd: StartJob, scopes: list[str],
                    states: dict[str, ScopeState]) -> list[JobStep]:
        if cmd.kind == "rollback":
            if cmd.rollback_of is None:
                raise InvalidInput("a rollback names the job it rolls back", code="rollback_of_required")
            executed = await _job(conn, cmd.rollback_of)
            now = {s: state.values for s, state in states.items()}
            steps = rollback_steps(executed["before_snapshot"] or {}, now, scopes)
            revisions = executed["before_revisions"] or {}
            return [s.model_copy(update={"revision": revisions.get(s.scope)}) for s in steps]
        changes = (await _changes(conn, cmd.contract_id)).changes
        if len(changes) > cmd.max_steps:
            raise InvalidInput(f"{len(changes)} steps exceed the constraint max_steps={cmd.max_steps}",
                               code="too_many_steps")
        return execution_steps(list(changes))

    async def _insert(self, conn: AsyncConnection, cmd: StartJob, steps: list[JobStep], scopes: list[str],
                      states: dict[str, ScopeState]) -> None:
        await conn.execute(pg_insert(governance_jobs).values(
            id=cmd.job_id, contract_id=cmd.contract_id, kind=cmd.kind, status="PENDING", created_at=cmd.at,
            before_snapshot={s: st.values for s, st in states.items()}, scopes=scopes,
            before_revisions={s: st.revision for s, st in states.items()}))
        if steps:
            await conn.execute(pg_insert(governance_job_steps), [
                {**s.model_dump(), "job_id": cmd.job_id, "status": "PENDING"} for s in steps])
        await conn.execute(update(governance_jobs).where(governance_jobs.c.id == cmd.job_id)
                           .values(status="RUNNING", started_at=cmd.at))
        await append_once(conn, contract_stream(cmd.contract_id), cmd.job_id, "job.started",
                          {"job_id": str(cmd.job_id), "kind": cmd.kind, "steps": len(steps), "scopes": scopes,
                           "rollback_of": str(cmd.rollback_of) if cmd.rollback_of else None}, cmd.at)

    @activity.defn(name="apply_job_step")
    async def apply_job_step(self, cmd: ApplyStep) -> None:
        await self.apply_step(cmd.job_id, cmd.seq, cmd.window, datetime.now(UTC))

    async def apply_step(self, job_id: UUID, seq: int, window: ActivationWindow | None, now: datetime) -> None:
        async with self._engine.begin() as conn:
            step_row = (await conn.execute(select(governance_job_steps).where(
                governance_job_steps.c.job_id == job_id, governance_job_steps.c.seq == seq).with_for_update()
            )).mappings().first()
            if step_row is None:
                raise NotFound(f"job {job_id} has no step {seq}", code="step_not_found")
            if step_row["status"] == "APPLIED":
                return  # a retry after the first attempt committed: never apply twice
            if window is not None and not window.contains(now):
                raise Conflict(f"step {seq} refused: {now.isoformat()} is outside the activation window",
                               code="outside_window")
            await self._write(conn, job_id, JobStep.model_validate(dict(step_row)), now)

    async def _write(self, conn: AsyncConnection, job_id: UUID, step: JobStep, now: datetime) -> None:
        before = await self._store.read_scope(conn, step.capability, step.target)
        request = f"{job_id}:{step.seq}"  # what makes a non-transactional executor's command idempotent
        if step.op == "restore":
            prior = ScopeState(values=step.state or {}, revision=step.revision)
            await self._store.restore_scope(conn, step.capability, step.target, prior, now, request)
        else:
            assert step.key is not None
            await self._store.apply_change(conn, step.capability, step.target, step.key, step.value, now, request)
        after = await self._store.read_scope(conn, step.capability, step.target)
        await conn.execute(update(governance_job_steps).where(
            governance_job_steps.c.job_id == job_id, governance_job_steps.c.seq == step.seq
        ).values(status="APPLIED", previous_state=before.values, applied_at=now))
        await append_once(conn, f"capability:{step.capability}", _step_event_id(job_id, step.seq),
                          "capability.changed", {"job_id": str(job_id), "seq": step.seq, "op": step.op,
                                                 "target": step.target, "key": step.key,
                                                 "before": before.values, "after": after.values}, now)

    @activity.defn(name="finish_job")
    async def finish_job(self, cmd: FinishJob) -> FinishedJob:
        async with self._engine.begin() as conn:
            job = await _job(conn, cmd.job_id, lock=True)
            after: Snapshot = {s: st.values for s, st in (await self._read(conn, job["scopes"] or [])).items()}
            if job["status"] == "RUNNING":
                await self._close(conn, cmd, job, after)
            reference = job["before_snapshot"]
            if job["kind"] == "rollback":
                reference = (await conn.execute(select(governance_jobs.c.before_snapshot).where(
                    governance_jobs.c.contract_id == job["contract_id"], governance_jobs.c.kind == "execute")
                )).scalar_one()
            return FinishedJob(job_id=cmd.job_id, status=cmd.status, restored_prior_state=after == reference)

    async def _close(self, conn: AsyncConnection, cmd: FinishJob, job: RowMapping, after: dict[str, Any]) -> None:
        await conn.execute(update(governance_jobs).where(governance_jobs.c.id == cmd.job_id).values(
            status=cmd.status, after_snapshot=after, finished_at=cmd.at, error=cmd.error))
        steps = await conn.execute(select(governance_job_steps.c.seq, governance_job_steps.c.status)
                                   .where(governance_job_steps.c.job_id == cmd.job_id))
        await append_once(conn, contract_stream(job["contract_id"]), _step_event_id(cmd.job_id, 10_000),
                          "job.finished", {"job_id": str(cmd.job_id), "kind": job["kind"], "status": cmd.status,
                                           "error": cmd.error, "steps": {str(s): st for s, st in steps}}, cmd.at)

"""Scope locks: one contract executes on a capability instance at a time; the others wait and are woken.

A claim takes every scope of the contract or none (in scope order, so two claimers cannot deadlock); a
lock held by a contract that has already ended is stale and is taken over. A refused claim records the
waiter; a release returns the waiters of the freed scopes, for the workflow to wake them.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from domain.governance.contracts import TERMINAL
from domain.governance.messages import ClaimScope, ReleasedScope, ReleaseScope, ScopeClaim
from infra.db.tables_governance import governance_scope_locks, governance_scope_waiters, system_contracts


class _Held(Exception):
    def __init__(self, scope: str, holder: UUID) -> None:
        super().__init__(scope)
        self.scope, self.holder = scope, holder


class ScopeActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name="claim_scope")
    async def claim_scope(self, cmd: ClaimScope) -> ScopeClaim:
        """Take every scope of the contract, or none and say who holds the first busy one."""
        try:
            async with self._engine.begin() as conn:
                for scope in sorted(set(cmd.scopes)):
                    await self._take(conn, scope, cmd)
                await conn.execute(delete(governance_scope_waiters).where(
                    governance_scope_waiters.c.contract_id == cmd.contract_id))
            return ScopeClaim(claimed=True)
        except _Held as held:
            async with self._engine.begin() as conn:
                await conn.execute(pg_insert(governance_scope_waiters).values(
                    scope=held.scope, contract_id=cmd.contract_id, workflow_id=cmd.workflow_id, since=cmd.at,
                ).on_conflict_do_nothing())
            return ScopeClaim(claimed=False, scope=held.scope, held_by=held.holder)

    async def _take(self, conn: AsyncConnection, scope: str, cmd: ClaimScope) -> None:
        row = {"scope": scope, "contract_id": cmd.contract_id, "workflow_id": cmd.workflow_id, "claimed_at": cmd.at}
        taken = await conn.execute(pg_insert(governance_scope_locks).values(**row).on_conflict_do_nothing()
                                   .returning(governance_scope_locks.c.scope))
        if taken.first() is not None:
            return
        holder = (await conn.execute(select(governance_scope_locks.c.contract_id).where(
            governance_scope_locks.c.scope == scope).with_for_update())).scalar_one()
        if holder == cmd.contract_id:
            return
        status = (await conn.execute(select(system_contracts.c.status).where(system_contracts.c.id == holder))
                  ).scalar_one_or_none()
        if status is not None and status not in TERMINAL:
            raise _Held(scope, holder)
        # the holder ended without releasing (a terminated workflow): its lock is stale
        await conn.execute(update(governance_scope_locks).where(governance_scope_locks.c.scope == scope)
                           .values(**row))

    @activity.defn(name="release_scope")
    async def release_scope(self, cmd: ReleaseScope) -> ReleasedScope:
        """Free the contract's scopes (and forget it as a waiter); returns who waits for them."""
        async with self._engine.begin() as conn:
            freed = (await conn.execute(delete(governance_scope_locks).where(
                governance_scope_locks.c.contract_id == cmd.contract_id).returning(governance_scope_locks.c.scope)
            )).scalars().all()
            await conn.execute(delete(governance_scope_waiters).where(
                governance_scope_waiters.c.contract_id == cmd.contract_id))
            waiting = (await conn.execute(select(governance_scope_waiters.c.workflow_id).distinct().where(
                governance_scope_waiters.c.scope.in_(freed)))).scalars().all() if freed else []
        return ReleasedScope(scopes=sorted(freed), waiting_workflow_ids=sorted(waiting))

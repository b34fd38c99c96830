"""`kernel.policy`: a tenant's targets, guardrails and CFO guardrails, changed through the kernel's own store.

Each change records a new policy version with `infra.db.kernel_store.record_policy` (what
`PUT /v1/kernel/tenants/{id}/policy` does), so the tenant's next cycle plans with it. Health is the next
cycle itself: the kernel runs (pure, not stored, so the 12-hour rule does not apply) on the tenant's stored
facts and its current policy; a cycle it refuses, or a stored cycle refused in the window, is a problem;
the binding constraint and the CFO gates it reports are the evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import JsonValue
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capabilities import KERNEL_POLICY_SPEC
from domain.errors import Conflict, NotFound
from domain.governance.changes import ProposedChange
from domain.governance.health import HealthMeasure
from domain.governance.scopes import ScopeState
from domain.kernel.assembly import analysis_window, build_input
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import KernelError
from domain.kernel.policy_change import apply_change, flatten, key_problem, unflatten, validated
from infra.db.kernel_facts import CapitalCampaigns
from infra.db.kernel_facts import load_facts as load_kernel_facts
from infra.db.kernel_store import latest_policy, load_catalog, record_policy, tenant_exists
from infra.db.tables_kernel import kernel_cycles

FAULTS = ("INVALID_INPUT", "INTERNAL_ERROR")  # refusals that say the kernel cannot work, not "not yet"


class KernelPolicyExecutor:
    spec = KERNEL_POLICY_SPEC

    def __init__(self, window_days: int = 30) -> None:
        self._window_days = window_days

    def check(self, change: ProposedChange) -> list[str]:
        problem = key_problem(change.key)
        return [f"{change.scope}: {problem}"] if problem else []

    async def _tenant(self, conn: AsyncConnection, target: str) -> UUID:
        tenant = UUID(target)
        if not await tenant_exists(conn, tenant):
            raise NotFound(f"tenant {target} does not exist", code="tenant_not_found")
        return tenant

    async def read(self, conn: AsyncConnection, target: str) -> ScopeState:
        return ScopeState(values=flatten(await latest_policy(conn, await self._tenant(conn, target))))

    async def apply(self, conn: AsyncConnection, target: str, key: str, value: JsonValue, at: datetime,
                    request_id: str) -> None:
        tenant = await self._tenant(conn, target)
        await record_policy(conn, tenant, apply_change(await latest_policy(conn, tenant), key, value), at)

    async def restore(self, conn: AsyncConnection, target: str, prior: ScopeState, at: datetime,
                      request_id: str) -> None:
        tenant = await self._tenant(conn, target)
        if not prior.values:
            raise Conflict("the tenant had no kernel policy before; the kernel keeps no way back to none",
                           code="restore_impossible")
        await record_policy(conn, tenant, validated(unflatten(prior.values)), at)

    async def measure(self, conn: AsyncConnection, target: str, start: datetime, end: datetime) -> HealthMeasure:
        tenant = await self._tenant(conn, target)
        problems, figures = await self._probe(conn, tenant, end)
        refused = await self._refused_cycles(conn, tenant, start, end)
        problems += [f"a stored cycle was refused: {code}" for code in sorted(set(refused))]
        return HealthMeasure(evidence="binding_constraint" in figures or bool(refused),
                             problems=problems, figures={**figures, "stored_cycles_refused": len(refused)})

    async def _probe(self, conn: AsyncConnection, tenant: UUID, now: datetime) -> tuple[list[str], dict[str, Any]]:
        """The tenant's next cycle, run now on its stored facts and current policy."""
        window = analysis_window(now, self._window_days)
        facts = await load_kernel_facts(conn, tenant, window, CapitalCampaigns())
        payload = build_input(str(tenant), await latest_policy(conn, tenant), "manual", "governance_health_probe",
                              now, window, facts)
        dictionary, executors = await load_catalog(conn)
        result = run_cycle(payload, now=now, cycle_id="governance-health-probe", dictionary=dictionary,
                           executors=executors, last_cycle_at=None, tenant_exists=True)
        if isinstance(result, KernelError):
            rule = (result.details or {}).get("rule")
            # The code and rule, not the message: the same refusal before and after reads the same.
            why = f"the next cycle is refused: {result.code}" + (f" (rule {rule})" if rule is not None else "")
            return [why], {"next_cycle": result.code, "message": result.message}
        summary = result.cycle_summary
        return [], {"next_cycle": "runs", "binding_constraint": summary.binding_constraint,
                    "cfo_gates": list(summary.cfo_gates_triggered), "actions": len(result.actions)}

    async def _refused_cycles(self, conn: AsyncConnection, tenant: UUID, start: datetime, end: datetime
                              ) -> list[str]:
        rows = await conn.execute(select(kernel_cycles.c.error_code).where(
            kernel_cycles.c.tenant_id == tenant, kernel_cycles.c.executed_at >= start,
            kernel_cycles.c.executed_at <= end, kernel_cycles.c.error_code.in_(FAULTS)))
        return [str(code) for code in rows.scalars()]

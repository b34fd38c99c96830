"""Kernel persistence: catalog, facts, policies and cycles; `execute_cycle` runs one cycle atomically.

`execute_cycle` takes a per-tenant advisory lock, reads the last completed cycle, runs the pure kernel
and stores input and result in one transaction, so two concurrent triggers cannot both pass the
12-hour rule. A cycle id that is already stored returns the stored result (idempotent retries).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.events import NewEvent, stream_name
from domain.kernel.catalog import ExecutorRoute, MetricDefinition, dictionary_of, executors_of
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import KernelError, KernelOutput, KernelResult, dump_contract
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_kernel import executor_map, kernel_cycles, kernel_policies, metric_dictionary


@dataclass(frozen=True)
class StoredCycle:
    """A stored cycle: the result as the API returns it."""

    cycle_id: UUID
    tenant_id: UUID | None
    status: str
    input: dict[str, Any]
    result: KernelResult
    executed_at: datetime


def as_uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


async def load_catalog(conn: AsyncConnection) -> tuple[dict[str, MetricDefinition], dict[str, ExecutorRoute]]:
    metrics = [MetricDefinition.model_validate(dict(r._mapping))
               for r in await conn.execute(select(metric_dictionary))]
    routes = [ExecutorRoute.model_validate(dict(r._mapping)) for r in await conn.execute(select(executor_map))]
    return dictionary_of(metrics), executors_of(routes)


async def tenant_exists(conn: AsyncConnection, tenant_id: UUID | None) -> bool:
    if tenant_id is None:
        return False
    return (await conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id))).first() is not None


async def last_cycle_at(conn: AsyncConnection, tenant_id: UUID) -> datetime | None:
    query = select(func.max(kernel_cycles.c.executed_at)).where(
        kernel_cycles.c.tenant_id == tenant_id, kernel_cycles.c.status == "completed")
    value: datetime | None = (await conn.execute(query)).scalar_one_or_none()
    return value


def _result_of(status: str, body: dict[str, Any]) -> KernelResult:
    return KernelOutput.model_validate(body) if status == "completed" else KernelError.model_validate(body)


async def get_cycle(conn: AsyncConnection, cycle_id: UUID) -> StoredCycle | None:
    row = (await conn.execute(select(kernel_cycles).where(kernel_cycles.c.cycle_id == cycle_id))).one_or_none()
    if row is None:
        return None
    m = row._mapping
    return StoredCycle(m["cycle_id"], m["tenant_id"], m["status"], m["input"], _result_of(m["status"], m["output"]),
                       m["executed_at"])


async def _lock_tenant(conn: AsyncConnection, tenant_id: UUID) -> None:
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": f"kernel:{tenant_id}"})


def _error_with_cycle(result: KernelError, cycle_id: UUID) -> KernelError:
    return result.model_copy(update={"details": {**(result.details or {}), "cycle_id": str(cycle_id)}})


async def execute_cycle(conn: AsyncConnection, payload: Any, *, cycle_id: UUID,
                        now: datetime) -> StoredCycle:
    """Run and store one cycle in the caller's transaction (see module docstring)."""
    stored = await get_cycle(conn, cycle_id)
    if stored is not None:
        return stored
    tenant_id = as_uuid(payload.get("tenant_id")) if isinstance(payload, Mapping) else None
    exists, last = False, None
    if tenant_id is not None:
        await _lock_tenant(conn, tenant_id)
        exists = await tenant_exists(conn, tenant_id)
        last = await last_cycle_at(conn, tenant_id) if exists else None
    dictionary, executors = await load_catalog(conn)
    result = run_cycle(payload, now=now, cycle_id=str(cycle_id), dictionary=dictionary, executors=executors,
                       last_cycle_at=last, tenant_exists=exists)
    if isinstance(result, KernelError):
        result = _error_with_cycle(result, cycle_id)
    owner = tenant_id if exists else None
    raw = dict(payload) if isinstance(payload, Mapping) else {"raw": payload}
    await _store(conn, cycle_id, owner, raw, result, now)
    status = "completed" if isinstance(result, KernelOutput) else "error"
    return StoredCycle(cycle_id, owner, status, raw, result, now)


async def _store(conn: AsyncConnection, cycle_id: UUID, tenant_id: UUID | None, raw: dict[str, Any],
                 result: KernelResult, now: datetime) -> None:
    code = result.code if isinstance(result, KernelError) else None
    status = "completed" if code is None else "error"
    trigger = raw.get("trigger")
    trigger_type = str(trigger.get("type"))[:40] if isinstance(trigger, Mapping) and trigger.get("type") else None
    await conn.execute(insert(kernel_cycles).values(
        cycle_id=cycle_id, tenant_id=tenant_id, trigger_type=trigger_type, status=status, error_code=code,
        input=raw, output=dump_contract(result), executed_at=now))
    if tenant_id is not None:
        event = "kernel.cycle_completed" if code is None else "kernel.cycle_refused"
        await event_store.append(conn, stream_name("kernel", tenant_id), [NewEvent(
            type=event, occurred_at=now, payload={"cycle_id": str(cycle_id), "status": status, "code": code})],
            tenant_id=tenant_id)


async def record_policy(conn: AsyncConnection, tenant_id: UUID, policy: dict[str, Any], now: datetime) -> None:
    await conn.execute(insert(kernel_policies).values(tenant_id=tenant_id, policy=policy, recorded_at=now))
    await event_store.append(conn, stream_name("kernel", tenant_id), [NewEvent(
        type="kernel.policy_recorded", occurred_at=now, payload=policy)], tenant_id=tenant_id)


async def latest_policy(conn: AsyncConnection, tenant_id: UUID) -> dict[str, Any] | None:
    query = select(kernel_policies.c.policy).where(kernel_policies.c.tenant_id == tenant_id) \
        .order_by(kernel_policies.c.id.desc()).limit(1)
    value: dict[str, Any] | None = (await conn.execute(query)).scalar_one_or_none()
    return value

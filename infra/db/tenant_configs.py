"""Configuration versions, smoke verdicts and the active version: rows, and their facts on `tenant:<id>`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import Conflict
from domain.events import NewEvent, stream_name
from domain.objectives import CompiledConfig
from domain.onboarding.versions import SourceFormat, StoredVersion
from infra.db import event_store
from infra.db.tables import tenants
from infra.db.tables_objectives import (
    tenant_active_config,
    tenant_config_activations,
    tenant_config_smoke_results,
    tenant_config_versions,
)
from infra.db.tables_voice import tenant_phone_numbers
from infra.db.violations import refusing
from infra.db.voice_numbers import NumberRoute, route_for

V = tenant_config_versions


async def _fact(conn: AsyncConnection, tenant_id: UUID, type_: str, payload: dict[str, Any], now: datetime) -> None:
    await event_store.append(conn, stream_name("tenant", tenant_id), [NewEvent(type=type_, payload=payload,
                                                                               occurred_at=now)], tenant_id=tenant_id)


def _stored(row: Any) -> StoredVersion:
    return StoredVersion.model_validate(dict(row._mapping))


async def create_version(conn: AsyncConnection, tenant_id: UUID, compiled: CompiledConfig, document: dict[str, Any],
                         *, source_format: SourceFormat, created_by: str, now: datetime,
                         derived_from: int | None = None) -> tuple[StoredVersion, bool]:
    """Store a compiled document as the tenant's next version; the same content again is the existing version.

    Returns (version, created). The tenant row is locked so versions of one tenant are numbered one at a time.
    """
    await conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id).with_for_update())
    existing = await version_by_hash(conn, tenant_id, compiled.hash)
    if existing is not None:
        return existing, False
    number = (await conn.execute(select(func.coalesce(func.max(V.c.version), 0) + 1)
                                 .where(V.c.tenant_id == tenant_id))).scalar_one()
    row = {"tenant_id": tenant_id, "version": int(number), "hash": compiled.hash,
           "canonical": compiled.config.model_dump(mode="json"), "document": document,
           "source_format": source_format, "derived_from": derived_from, "created_at": now, "created_by": created_by}
    await conn.execute(insert(V).values(**row))
    await _fact(conn, tenant_id, "config.version_created",
                {"version": row["version"], "hash": compiled.hash, "source_format": source_format,
                 "derived_from": derived_from, "created_by": created_by}, now)
    return StoredVersion.model_validate(row), True


async def version_by_hash(conn: AsyncConnection, tenant_id: UUID, digest: str) -> StoredVersion | None:
    row = (await conn.execute(select(V).where(V.c.tenant_id == tenant_id, V.c.hash == digest))).one_or_none()
    return _stored(row) if row else None


async def get_version(conn: AsyncConnection, tenant_id: UUID, version: int) -> StoredVersion | None:
    row = (await conn.execute(select(V).where(V.c.tenant_id == tenant_id, V.c.version == version))).one_or_none()
    return _stored(row) if row else None


async def list_versions(conn: AsyncConnection, tenant_id: UUID) -> list[StoredVersion]:
    rows = await conn.execute(select(V).where(V.c.tenant_id == tenant_id).order_by(V.c.version))
    return [_stored(r) for r in rows]


async def active_version(conn: AsyncConnection, tenant_id: UUID) -> int | None:
    value = (await conn.execute(select(tenant_active_config.c.version)
                                .where(tenant_active_config.c.tenant_id == tenant_id))).scalar_one_or_none()
    return int(value) if value is not None else None


async def active_tenants(conn: AsyncConnection) -> list[UUID]:
    """Every tenant with an active version (the tenants a Voice Core upgrade must not break)."""
    rows = await conn.execute(select(tenant_active_config.c.tenant_id).order_by(tenant_active_config.c.activated_at))
    return [UUID(str(r)) for r in rows.scalars()]


async def active_stored(conn: AsyncConnection, tenant_id: UUID) -> StoredVersion | None:
    query = (select(V).join(tenant_active_config, (tenant_active_config.c.tenant_id == V.c.tenant_id)
                            & (tenant_active_config.c.version == V.c.version))
             .where(V.c.tenant_id == tenant_id))
    row = (await conn.execute(query)).one_or_none()
    return _stored(row) if row else None


async def numbers_bound_elsewhere(conn: AsyncConnection, tenant_id: UUID) -> set[str]:
    """Every number that routes to another tenant (the compiler refuses them and transfers to them)."""
    rows = await conn.execute(select(tenant_phone_numbers.c.number)
                              .where(tenant_phone_numbers.c.tenant_id != tenant_id))
    return {str(n) for n in rows.scalars()}


async def record_smoke(conn: AsyncConnection, tenant_id: UUID, version: int, *, passed: bool, workflow_id: str,
                       detail: dict[str, Any], now: datetime) -> None:
    """Append the smoke stage's verdict (and its fact on the tenant's stream)."""
    await conn.execute(insert(tenant_config_smoke_results).values(
        tenant_id=tenant_id, version=version, passed=passed, workflow_id=workflow_id, detail=detail, recorded_at=now))
    await _fact(conn, tenant_id, "config.smoke_tested",
                {"version": version, "passed": passed, "workflow_id": workflow_id}, now)


async def smoke_passed_versions(conn: AsyncConnection, tenant_id: UUID) -> set[int]:
    S = tenant_config_smoke_results
    rows = await conn.execute(select(S.c.version).where(S.c.tenant_id == tenant_id, S.c.passed).distinct())
    return {int(v) for v in rows.scalars()}


class NeverPassed(Conflict):
    """Activation of a version that never passed its smoke tests."""

    code = "config_not_smoke_tested"


async def activate(conn: AsyncConnection, tenant_id: UUID, version: int, *, reason: str, activated_by: str,
                   now: datetime, workflow_id: str | None = None) -> int | None:
    """Switch the tenant's active version in one statement (history row and fact beside it); the previous one."""
    await conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id).with_for_update())
    previous = await active_version(conn, tenant_id)
    never = NeverPassed(f"version {version} has not passed its smoke tests; onboard it first")
    with refusing({"tenant_active_config_smoke_passed": never}):
        async with conn.begin_nested():
            statement = pg_insert(tenant_active_config).values(tenant_id=tenant_id, version=version,
                                                               activated_at=now)
            await conn.execute(statement.on_conflict_do_update(
                index_elements=[tenant_active_config.c.tenant_id],
                set_={"version": statement.excluded.version, "activated_at": statement.excluded.activated_at}))
    await conn.execute(insert(tenant_config_activations).values(
        tenant_id=tenant_id, version=version, previous_version=previous, reason=reason, workflow_id=workflow_id,
        activated_by=activated_by, activated_at=now))
    await _fact(conn, tenant_id, "config.activated", {"version": version, "previous_version": previous,
                                                      "reason": reason, "workflow_id": workflow_id,
                                                      "activated_by": activated_by}, now)
    return previous


async def activations(conn: AsyncConnection, tenant_id: UUID) -> list[dict[str, Any]]:
    A = tenant_config_activations
    rows = await conn.execute(select(A).where(A.c.tenant_id == tenant_id).order_by(A.c.id))
    return [dict(r._mapping) for r in rows]


async def route_and_active(conn: AsyncConnection, number: str) -> tuple[NumberRoute, StoredVersion | None] | None:
    """The tenant that answers `number` and its active version (None: it runs the default graph)."""
    route = await route_for(conn, number)
    if route is None:
        return None
    return route, await active_stored(conn, route.tenant_id)

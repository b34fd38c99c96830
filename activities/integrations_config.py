"""IntegrationsForCall: the integrations (and graph) of the configuration version a call was pinned to.

The Postgres implementation reads the onboarding branch's tables: `tenant_config_versions(tenant_id, version, hash,
canonical jsonb, ...)` (immutable versions) and `tenant_active_config(tenant_id, version)`. A call whose
`call.started` named its version uses that version (None: the built-in default graph, which has no integrations);
a call from a runtime that does not record versions yet uses the tenant's active version. Until those tables exist
nothing is configured, so nothing is delivered.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.integrations.triggers import CallFacts
from domain.objectives import ObjectiveGraph, compile_config
from domain.objectives.integrations import Integration

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PinnedConfig:
    """What the integrations need of one configuration version."""

    version: int | None = None
    integrations: list[Integration] = field(default_factory=list)
    graph: ObjectiveGraph | None = None
    notify_emails: list[str] = field(default_factory=list)
    timezone: str = "UTC"


NOTHING = PinnedConfig()


class IntegrationsForCall(Protocol):
    async def for_call(self, call: CallFacts) -> PinnedConfig: ...


def _document(canonical: Any) -> str:
    return canonical if isinstance(canonical, str) else json.dumps(canonical)


class PostgresIntegrationsForCall:
    """Reads the pinned (or active) version's canonical document and compiles it (versions are immutable: cached)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._cache: dict[tuple[UUID, int], PinnedConfig] = {}

    async def for_call(self, call: CallFacts) -> PinnedConfig:
        if not call.tenant_id:
            return NOTHING
        tenant = UUID(call.tenant_id)
        async with self._engine.connect() as conn:
            if not await _tables_exist(conn):
                log.info("no tenant_config_versions table yet: call %s has no integrations", call.call_sid)
                return NOTHING
            version = call.config_version if call.config_pinned else await _active_version(conn, tenant)
            if version is None:
                return NOTHING
            cached = self._cache.get((tenant, version))
            if cached is not None:
                return cached
            row = (await conn.execute(text("SELECT canonical FROM tenant_config_versions "
                                           "WHERE tenant_id = :t AND version = :v"),
                                      {"t": tenant, "v": version})).one_or_none()
        if row is None:
            log.warning("call %s names config version %s of tenant %s, which does not exist",
                        call.call_sid, version, tenant)
            return NOTHING
        compiled = compile_config(_document(row.canonical), "json")
        config = PinnedConfig(version=version, integrations=list(compiled.config.integrations), graph=compiled.graph,
                              notify_emails=list(compiled.config.notifications.emails),
                              timezone=compiled.config.business.timezone)
        self._cache[(tenant, version)] = config
        return config


async def _tables_exist(conn: AsyncConnection) -> bool:
    found = await conn.execute(text("SELECT to_regclass('tenant_config_versions') IS NOT NULL "
                                    "AND to_regclass('tenant_active_config') IS NOT NULL"))
    return bool(found.scalar())


async def _active_version(conn: AsyncConnection, tenant: UUID) -> int | None:
    row = await conn.execute(text("SELECT version FROM tenant_active_config WHERE tenant_id = :t"), {"t": tenant})
    value = row.scalar_one_or_none()
    return int(value) if value is not None else None

"""The voice worker's view of the server's records: number routes and stored versions, read from Postgres."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.onboarding.versions import StoredVersion
from infra.db import tenant_configs
from infra.db.webrtc import line_of
from voice_runtime.routing import RouteRecord


class DatabaseRoutes:
    """RouteSource over the routing table and the configuration versions (one short read per webhook or offer)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def route(self, number: str) -> RouteRecord | None:
        """The tenant answering `number` and its active version."""
        async with self._engine.connect() as conn:
            found = await tenant_configs.route_and_active(conn, number)
        return RouteRecord(route=found[0], active=found[1]) if found else None

    async def version(self, tenant_id: UUID, version: int) -> StoredVersion | None:
        """A stored version of the tenant."""
        async with self._engine.connect() as conn:
            return await tenant_configs.get_version(conn, tenant_id, version)

    async def line(self, tenant_id: UUID) -> RouteRecord | None:
        """The tenant a browser call names, as if its first number were called, and its active version."""
        async with self._engine.connect() as conn:
            route = await line_of(conn, tenant_id)
            if route is None:
                return None
            return RouteRecord(route=route, active=await tenant_configs.active_stored(conn, tenant_id))

"""What the API process wires once (in its lifespan) and hands to handlers through api/deps.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.errors import Unavailable
from infra.settings import Settings
from infra.temporal.client import connect


class TemporalUnavailable(Unavailable):
    code = "temporal_unavailable"


def utc_now() -> datetime:
    return datetime.now(UTC)


class TemporalProvider:
    """Connects lazily and reconnects after failures, so the API starts even when Temporal is down."""

    def __init__(self, address: str, namespace: str, client: Client | None = None) -> None:
        self.address = address
        self.namespace = namespace
        self._client = client
        self._lock = asyncio.Lock()

    async def get(self, timeout: float = 5.0) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await asyncio.wait_for(connect(self.address, self.namespace), timeout)
                except Exception as exc:
                    raise TemporalUnavailable(f"Temporal at {self.address} is not reachable: {exc}") from exc
            return self._client

    async def healthy(self, timeout: float = 2.0) -> bool:
        try:
            client = await self.get(timeout)
            return bool(await asyncio.wait_for(client.service_client.check_health(), timeout))
        except Exception:
            return False


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    temporal: TemporalProvider
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    clock: Callable[[], datetime] = utc_now

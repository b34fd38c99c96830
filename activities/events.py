"""Appending to the event store from workflows: the one activity every domain may use."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from domain.events import AppendEvents
from infra.db import event_store


class EventActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name="append_events")
    async def append_events(self, command: AppendEvents) -> int:
        async with self._engine.begin() as conn:
            if command.expected_version is not None:
                current = await event_store.stream_version(conn, command.stream)
                if current == command.expected_version + len(command.events):
                    return current
            return await event_store.append(
                conn, command.stream, command.events, command.expected_version, tenant_id=command.tenant_id
            )

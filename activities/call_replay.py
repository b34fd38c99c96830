"""Replaying a stored call: read its events and the graph it ran (or another version), re-decide it (pure).

The I/O is behind `ReplaySources` (Postgres in production, `infra/db/replay_sources.py`); the decisions are
`domain.replay.replay_events`. Used by `revos replay` and `GET /v1/calls/{sid}/replay`.
"""

from __future__ import annotations

from typing import Protocol

from domain.errors import InvalidInput, NotFound
from domain.objectives import ObjectiveGraph, compile_config
from domain.replay import Pinned, ReplayEvent, ReplayReport, default_candidates, graph_for, pinned, replay_events
from domain.replay.errors import hash_mismatch


class ReplaySources(Protocol):
    """Where a replay reads a call and its configuration."""

    async def events(self, call_sid: str) -> list[ReplayEvent]:
        """The call's events in stream order."""
        ...

    async def canonical(self, tenant_id: str, version: int) -> str | None:
        """A configuration version's canonical JSON (None: no such version)."""
        ...

    async def bound_transfer_to(self, number: str) -> str | None:
        """The escalation number bound with a phone number."""
        ...


class CallReplayer:
    """Replays one call on its pinned graph or on another version of its tenant's configuration."""

    def __init__(self, sources: ReplaySources) -> None:
        self._sources = sources

    async def call_events(self, call_sid: str) -> list[ReplayEvent]:
        """The call's events (NotFound when it has none)."""
        events = await self._sources.events(call_sid)
        if not events:
            raise NotFound(f"call {call_sid} has no events", code="call_not_found")
        return events

    async def version_graph(self, tenant_id: str | None, version: int) -> tuple[ObjectiveGraph, str]:
        """A version's graph and its canonical document."""
        if tenant_id is None:
            raise InvalidInput("the call has no tenant, so it has no configuration versions",
                               code="no_tenant_versions")
        canonical = await self._sources.canonical(tenant_id, version)
        if canonical is None:
            raise NotFound(f"tenant {tenant_id} has no configuration version {version}",
                           code="config_version_not_found")
        return compile_config(canonical, "json").graph, canonical

    async def pinned_graph(self, events: list[ReplayEvent]) -> tuple[ObjectiveGraph, str | None]:
        """The graph the call ran, checked against its recorded hash, and its canonical document (None: default)."""
        pin: Pinned = pinned(events)
        if pin.config_version is not None:
            graph, canonical = await self.version_graph(pin.tenant_id, pin.config_version)
            if graph.config_hash != pin.config_hash:
                raise hash_mismatch(pin, graph.config_hash)
            return graph, canonical
        bound = await self._sources.bound_transfer_to(pin.called)
        return graph_for(pin.config_hash, default_candidates(events, bound)), None

    async def replay(self, call_sid: str, config_version: int | None = None) -> ReplayReport:
        """Re-decide the call: on its pinned graph, or on `config_version` of its tenant's configuration."""
        events = await self.call_events(call_sid)
        pin = pinned(events)
        if config_version is None:
            graph, _ = await self.pinned_graph(events)
            version = pin.config_version
        else:
            graph, _ = await self.version_graph(pin.tenant_id, config_version)
            version = config_version
        return replay_events(graph, events, config_version=version, recorded_version=pin.config_version,
                             call_sid=call_sid)

"""Which tenant, which configuration: number -> tenant -> version -> compiled graph, pinned at the call's start.

The webhook resolves the called number to its tenant and the tenant's active version (or, for a smoke call,
the version its grant names), and pins it in a signed stream token (domain/voice/stream_token.py). The media
socket takes the call's plan from this process's pending calls, or rebuilds it from the server's records
when another process answered the webhook. Compiled graphs are cached by content hash: every call of a
version shares one graph, and activation never changes a call that already started.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from domain.objectives import ObjectiveGraph, business_open, default_graph
from domain.onboarding.versions import StoredVersion, recompile
from domain.voice.stream_token import StreamClaims, TokenRefused
from infra.db.voice_numbers import NumberRoute

GRAPH_CACHE_SIZE = 1024
Business = Literal["open", "closed"]


@dataclass(frozen=True)
class RouteRecord:
    """The tenant that answers a number, and its active version (None: the built-in default graph)."""

    route: NumberRoute
    active: StoredVersion | None


class RouteSource(Protocol):
    """The server's records: who answers a number, and a tenant's stored versions."""

    async def route(self, number: str) -> RouteRecord | None:
        """The tenant that answers `number` and its active version; None if nobody does."""
        ...

    async def version(self, tenant_id: UUID, version: int) -> StoredVersion | None:
        """One stored version of the tenant; None if it has no such version."""
        ...


@dataclass(frozen=True)
class CallPlan:
    """Everything the call takes from the server's records: identity, graph, version, numbers."""

    call_sid: str
    tenant_id: UUID
    tenant_name: str
    timezone: str
    caller: str
    called: str
    graph: ObjectiveGraph
    config_version: int | None
    business: Business | None = None  # forced by a smoke grant; None: from the hours
    smoke: bool = False

    @property
    def business_name(self) -> str:
        """The name in the greeting: the configuration's, else the tenant's."""
        return self.graph.business.name if self.graph.business else self.tenant_name

    @property
    def call_timezone(self) -> str:
        """The zone dates are read in: the configuration's, else the tenant's."""
        return self.graph.business.timezone if self.graph.business else self.timezone

    @property
    def transfer_to(self) -> str | None:
        """Where escalations go."""
        return self.graph.escalation.transfer_to

    def business_open(self, now: datetime) -> bool:
        """Decided once, at the call's start: the smoke grant's state, else the hours (no hours: open)."""
        if self.business is not None:
            return self.business == "open"
        return business_open(self.graph.business, now) if self.graph.business else True

    def claims(self, *, expires_at: float, nonce: str) -> StreamClaims:
        """What the stream token vouches for."""
        return StreamClaims(call_sid=self.call_sid, tenant_id=str(self.tenant_id), config_version=self.config_version,
                            caller=self.caller, called=self.called, business=self.business,
                            smoke=self.smoke, expires_at=expires_at, nonce=nonce)


class GraphCache:
    """Compiled graphs by content hash (least recently used out first)."""

    def __init__(self, size: int = GRAPH_CACHE_SIZE) -> None:
        self._size = size
        self._graphs: OrderedDict[str, ObjectiveGraph] = OrderedDict()
        self.compiles = 0

    def graph(self, version: StoredVersion) -> ObjectiveGraph:
        """The version's graph, compiled once per hash."""
        found = self._graphs.get(version.hash)
        if found is not None:
            self._graphs.move_to_end(version.hash)
            return found
        graph = recompile(version.canonical, version.hash).graph
        self.compiles += 1
        self._graphs[version.hash] = graph
        if len(self._graphs) > self._size:
            self._graphs.popitem(last=False)
        return graph


class Planner:
    """Builds call plans from the routing table and the stored versions."""

    def __init__(self, source: RouteSource, cache: GraphCache | None = None) -> None:
        self._source = source
        self.cache = cache or GraphCache()

    async def route(self, number: str) -> RouteRecord | None:
        """The number's tenant and active version (None: nobody answers it)."""
        return await self._source.route(number)

    async def plan(self, record: RouteRecord, *, call_sid: str, caller: str, called: str,
                   version: int | None = None, business: Business | None = None) -> CallPlan:
        """The plan for a new call: the active version, or `version` when a smoke grant names one."""
        stored = record.active if version is None else await self._stored(record, version)
        return self._build(record, stored, call_sid=call_sid, caller=caller, called=called, business=business,
                           smoke=version is not None)

    async def rebuild(self, claims: StreamClaims) -> CallPlan:
        """The plan a token vouches for, from the records (the webhook ran in another process)."""
        record = await self._source.route(claims.called)
        if record is None or str(record.route.tenant_id) != claims.tenant_id:
            raise TokenRefused("route_changed", "the number no longer routes to the token's tenant")
        version = claims.config_version
        stored = await self._stored(record, version) if version is not None else None
        return self._build(record, stored, call_sid=claims.call_sid, caller=claims.caller, called=claims.called,
                           business=claims.business, smoke=claims.smoke)

    async def _stored(self, record: RouteRecord, version: int) -> StoredVersion:
        stored = await self._source.version(record.route.tenant_id, version)
        if stored is None:
            raise TokenRefused("unknown_version", f"the tenant has no configuration version {version}")
        return stored

    def _build(self, record: RouteRecord, stored: StoredVersion | None, *, call_sid: str, caller: str, called: str,
               business: Business | None, smoke: bool) -> CallPlan:
        route = record.route
        graph = self.cache.graph(stored) if stored is not None else default_graph(route.transfer_to)
        return CallPlan(call_sid=call_sid, tenant_id=route.tenant_id, tenant_name=route.tenant_name,
                        timezone=route.timezone, caller=caller, called=called, graph=graph,
                        config_version=stored.version if stored else None, business=business, smoke=smoke)


class PendingCalls:
    """Plans between the webhook and the stream's `start`, and the nonces already used (each token works once).

    Kept per process: with several voice processes, a stream that reaches another process is rebuilt from the
    records, and single use then holds per process (route a call's stream to the process that answered it).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._plans: dict[str, tuple[CallPlan, str, float]] = {}
        self._used: dict[str, float] = {}
        self._swept = 0.0

    def add(self, plan: CallPlan, claims: StreamClaims) -> None:
        """Remember the plan until its token expires."""
        self._expire()
        self._plans[claims.nonce] = (plan, claims.call_sid, claims.expires_at)

    def use(self, nonce: str, expires_at: float) -> None:
        """Mark a nonce used until it expires; TokenRefused if it was used before."""
        self._expire()
        if nonce in self._used:
            raise TokenRefused("replayed", "the token was already used")
        self._used[nonce] = expires_at

    def claim(self, claims: StreamClaims) -> CallPlan | None:
        """Use the token once: its plan if this process made it (None: rebuild it); TokenRefused if used before."""
        self.use(claims.nonce, claims.expires_at)
        found = self._plans.pop(claims.nonce, None)
        return found[0] if found is not None and found[1] == claims.call_sid else None

    def _expire(self) -> None:
        now = self._clock()
        if now - self._swept < 1.0:
            return
        self._swept = now
        for nonce in [n for n, (_, _, exp) in self._plans.items() if exp <= now]:
            del self._plans[nonce]
        for nonce in [n for n, exp in self._used.items() if exp <= now]:
            del self._used[nonce]


class StaticRoutes:
    """An in-memory routing table (a voice worker without a database: the loop benchmark, outage tests)."""

    def __init__(self, routes: dict[str, RouteRecord] | None = None) -> None:
        self.routes = dict(routes or {})
        self.versions: dict[tuple[UUID, int], StoredVersion] = {}

    async def route(self, number: str) -> RouteRecord | None:
        """The number's record, if it is in the table."""
        return self.routes.get(number)

    async def version(self, tenant_id: UUID, version: int) -> StoredVersion | None:
        """A stored version, if it is in the table."""
        return self.versions.get((tenant_id, version))

    async def line(self, tenant_id: UUID) -> RouteRecord | None:
        """The tenant's first number in the table, as a browser call reaches it (voice_runtime/webrtc)."""
        return next((r for r in self.routes.values() if r.route.tenant_id == tenant_id), None)

"""Executors: how a governed capability is read, changed, restored and measured, by the domain that owns it.

A capability names its owner domain; its executor changes it only through that domain's own commands
(the kernel's `record_policy`, capital's campaign functions, the voice platform's onboarding workflow),
never by writing another domain's tables. Governance holds the executors in an `Executors` registry and
hands out two narrow views: the job gets a `JobStatePort` (read, apply, restore: nothing that touches
health) and the health service gets the probes (measure: nothing that changes anything).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncConnection

from activities.executor_capital import CapitalCampaignExecutor
from activities.executor_kernel import KernelPolicyExecutor
from domain.capabilities import CapabilitySpec
from domain.errors import InvalidInput, NotFound
from domain.governance.changes import ProposedChange
from domain.governance.health import HealthMeasure
from domain.governance.scopes import ScopeState


class ChangeExecutor(Protocol):
    """Reads and changes one capability through its owner domain; each call runs in the caller's transaction."""

    spec: CapabilitySpec

    def check(self, change: ProposedChange) -> list[str]:
        """Why this change cannot be executed (an unknown key, a value the domain refuses); empty when it can."""
        ...

    async def read(self, conn: AsyncConnection, target: str) -> ScopeState: ...

    async def apply(self, conn: AsyncConnection, target: str, key: str, value: JsonValue, at: datetime,
                    request_id: str) -> None: ...

    async def restore(self, conn: AsyncConnection, target: str, prior: ScopeState, at: datetime,
                      request_id: str) -> None: ...


class HealthProbe(Protocol):
    """Measures one capability instance at runtime over a window."""

    spec: CapabilitySpec

    async def measure(self, conn: AsyncConnection, target: str, start: datetime, end: datetime) -> HealthMeasure: ...


class Executor(ChangeExecutor, HealthProbe, Protocol):
    """A capability's executor: changes it and measures it (the two are handed out separately)."""


def target_problem(change: ProposedChange) -> str | None:
    """Every executor here targets an entity by its UUID (a tenant, a campaign)."""
    try:
        UUID(str(change.target))
    except ValueError:
        return f"{change.scope}: target must be the id of the {change.capability} instance it changes"
    return None


class JobStatePort(Protocol):
    """All a job may do to the world: read a scope, apply its step, restore a scope. Nothing about health."""

    async def read_scope(self, conn: AsyncConnection, capability: str, target: str | None) -> ScopeState: ...

    async def apply_change(self, conn: AsyncConnection, capability: str, target: str | None, key: str,
                           value: JsonValue, at: datetime, request_id: str) -> None: ...

    async def restore_scope(self, conn: AsyncConnection, capability: str, target: str | None, prior: ScopeState,
                            at: datetime, request_id: str) -> None: ...


class Executors:
    """The executors this deployment runs, by capability name."""

    def __init__(self, executors: Iterable[Executor]) -> None:
        self._by_name = {e.spec.name: e for e in executors}

    def specs(self) -> list[CapabilitySpec]:
        return [e.spec for e in self._by_name.values()]

    def get(self, capability: str) -> Executor:
        executor = self._by_name.get(capability)
        if executor is None:
            raise NotFound(f"no executor runs {capability} on this deployment", code="capability_without_executor")
        return executor

    def check(self, changes: Iterable[ProposedChange]) -> list[str]:
        """Why changes to capabilities executed here cannot be executed (a bad target, key or value).

        A capability without an executor is the caller's "unknown capability"; it is not repeated here.
        """
        problems: list[str] = []
        for change in changes:
            executor = self._by_name.get(change.capability)
            if executor is None:
                continue
            bad_target = target_problem(change)
            problems += [bad_target] if bad_target else executor.check(change)
        return problems

    def job_port(self) -> JobStatePort:
        return _JobState(self)

    def probe(self, capability: str) -> HealthProbe:
        return self.get(capability)


class _JobState:
    def __init__(self, executors: Executors) -> None:
        self._executors = executors

    def _target(self, capability: str, target: str | None) -> tuple[Executor, str]:
        if target is None:
            raise InvalidInput(f"a change to {capability} names its target", code="target_required")
        return self._executors.get(capability), target

    async def read_scope(self, conn: AsyncConnection, capability: str, target: str | None) -> ScopeState:
        executor, at = self._target(capability, target)
        return await executor.read(conn, at)

    async def apply_change(self, conn: AsyncConnection, capability: str, target: str | None, key: str,
                           value: JsonValue, at: datetime, request_id: str) -> None:
        executor, name = self._target(capability, target)
        await executor.apply(conn, name, key, value, at, request_id)

    async def restore_scope(self, conn: AsyncConnection, capability: str, target: str | None, prior: ScopeState,
                            at: datetime, request_id: str) -> None:
        executor, name = self._target(capability, target)
        await executor.restore(conn, name, prior, at, request_id)


def deployment_executors(window_days: int, voice: Executor | None = None) -> Executors:
    """The executors this deployment runs: the kernel's and capital's always; voice where the process can reach
    onboarding (`activities.voice_configs.voice_settings_executor`: the governance worker and the API pass it)."""
    wired: list[Executor] = [KernelPolicyExecutor(window_days), CapitalCampaignExecutor()]
    return Executors([*wired, *([voice] if voice is not None else [])])

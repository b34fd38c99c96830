"""Running the stress harness: persona calls on a tenant's version, a few at a time, their report and its table.

Shared by `revos stress`, the CI test against the example tenants and benchmarks/stress.py. A call that fails is
placed once more (as the smoke stage does, so one misheard word on a loaded machine is not a verdict); both count
in the report (`attempts`, `first_problems`), and every failed call can be kept as a fixture (`on_record`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.stress_calls import StressCallRecord, StressDialer
from domain.errors import Conflict, NotFound
from domain.objectives import ObjectiveGraph
from domain.onboarding.versions import recompile
from domain.stress import CallVerdict, Figures, StressReport
from domain.stress.messages import PersonaCall, StressCall
from infra.db import tenant_configs
from infra.db.voice_numbers import owner_of

OnRecord = Callable[[StressCallRecord], Awaitable[None]]
_COUNTER = re.compile(r"^(revos_voice_late_frames_total|revos_voice_frames_sent_total) ([0-9.e+]+)$", re.M)


@dataclass(frozen=True)
class Target:
    """What the calls run on: the tenant's version, its graph, and the number that reaches it."""

    tenant_id: UUID
    version: int
    number: str
    graph: ObjectiveGraph


async def load_target(engine: AsyncEngine, tenant_id: UUID, version: int | None) -> Target:
    """The tenant's version (its active one by default) and its first number, which must route to the tenant."""
    async with engine.connect() as conn:
        chosen = version if version is not None else await tenant_configs.active_version(conn, tenant_id)
        if chosen is None:
            raise NotFound(f"tenant {tenant_id} has no active version; name one with --config-version",
                           code="config_not_found")
        stored = await tenant_configs.get_version(conn, tenant_id, chosen)
        if stored is None:
            raise NotFound(f"tenant {tenant_id} has no configuration version {chosen}", code="config_not_found")
        compiled = recompile(stored.canonical, stored.hash)
        numbers = list(compiled.config.numbers)
        owners = [await owner_of(conn, n) for n in numbers]
    bound = [n for n, owner in zip(numbers, owners, strict=True) if owner == tenant_id]
    if not bound:
        raise Conflict(f"none of {', '.join(numbers)} routes to tenant {tenant_id} yet: onboard it first",
                       code="phone_number_not_bound")
    return Target(tenant_id=tenant_id, version=chosen, number=bound[0], graph=compiled.graph)


async def run_calls(dialer: StressDialer, target: Target, calls: Sequence[PersonaCall], *, concurrency: int,
                    max_seconds: float, retry: bool = True, on_record: OnRecord | None = None) -> list[CallVerdict]:
    """Every persona call, `concurrency` at a time; the verdicts in the calls' order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, planned: PersonaCall) -> CallVerdict:
        call = StressCall(tenant_id=target.tenant_id, version=target.version, persona=planned.persona,
                          business_open=planned.business_open, seed=planned.seed, number=target.number, index=index)
        async with gate:
            first = await dialer.record(call, target.graph, max_seconds=max_seconds)
            if on_record is not None:
                await on_record(first)
            if first.verdict.passed or not retry:
                return first.verdict
            again = await dialer.record(call, target.graph, max_seconds=max_seconds)
            if on_record is not None:
                await on_record(again)
        return again.verdict.model_copy(update={"attempts": 2, "first_problems": first.verdict.problems})

    return list(await asyncio.gather(*(one(i, c) for i, c in enumerate(calls))))


async def worker_counters(base_url: str) -> tuple[int, int] | None:
    """(late frames, frames sent) from the voice worker's /metrics (None when it cannot be read)."""
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=5) as client:
            text = (await client.get("/metrics")).text
    except httpx.HTTPError:
        return None
    found = {name: int(float(value)) for name, value in _COUNTER.findall(text)}
    if len(found) != 2:
        return None
    return found["revos_voice_late_frames_total"], found["revos_voice_frames_sent_total"]


def _ms(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "-"


def _row(f: Figures) -> str:
    values = f"{f.exact}/{f.values}" if f.values else "-"
    mark = "ok" if f.ok else "FAIL"
    return (f"{f.name:<16} {mark:<4} {f.passed:>3}/{f.calls:<3} {f.retried:>5} {f.completion:>9.0%} {values:>7} "
            f"{f.transfers_right:>9.0%} {_ms(f.voice_to_voice_p50_ms):>7} {_ms(f.voice_to_voice_p95_ms):>7} "
            f"{_ms(f.barge_in_p95_ms):>9} {f.errors:>6} {f.late_frames:>5}")


def table(report: StressReport) -> str:
    """The report as a terminal table, then every failed call's problems."""
    head = (f"{'persona':<16} {'':<4} {'passed':>7} {'retry':>5} {'completed':>9} {'exact':>7} {'transfer':>9} "
            f"{'v2v p50':>7} {'v2v p95':>7} {'barge p95':>9} {'errors':>6} {'late':>5}")
    lines = [head, "-" * len(head), *(_row(f) for f in report.personas), "-" * len(head), _row(report.overall)]
    lines.append("latencies in ms as the voice worker recorded them; late: agent frames the caller heard late")
    if report.worker_late_frames is not None:
        lines.append(f"voice worker over the run: {report.worker_late_frames} late of {report.worker_frames} frames")
    for verdict in report.calls:
        if verdict.problems or verdict.first_problems:
            state = "open" if verdict.business_open else "closed"
            label = "FAILED" if verdict.problems else "passed on its second call"
            lines.append(f"{verdict.persona.value} ({state}, seed {verdict.seed}) {label}: {verdict.stream}")
            lines += [f"  - {p}" for p in verdict.problems or verdict.first_problems]
    return "\n".join(lines)

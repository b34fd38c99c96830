"""`revos stress TENANT [--config-version N] [--personas all|a,b] [--calls N] [--concurrency C] [--json]`, and
`revos stress --all-tenants`: the stress harness on demand, against the running voice worker.

The persona calls go through the real voice worker as the onboarding gate's do (a smoke grant pins the version and
the business state, so they deliver nothing and their cost is the platform's). `--all-tenants` runs every tenant's
active version: the check before a Voice Core upgrade. Exit 0 when every persona's expectations held, 1 when one
failed, 2 when there is nothing to run or nothing to talk to.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.smoke_calls import SmokeDialer, voice_url
from activities.stress_calls import StressDialer
from domain.errors import DomainError
from domain.stress import StressReport, summarize
from domain.stress.messages import parse_personas, persona_calls
from infra.db import tenant_configs
from infra.settings import Settings
from workers.stress import OnRecord, Target, load_target, run_calls, table, worker_counters
from workers.stress_fixtures import saver


@dataclass(frozen=True)
class StressArgs:
    """What the command was asked to run."""

    tenants: list[UUID]  # empty with all_tenants
    all_tenants: bool = False
    version: int | None = None
    personas: str = "all"
    calls: int = 1
    concurrency: int = 4
    seed: int = 0
    as_json: bool = False
    max_seconds: float = 180.0
    save_failures: Path | None = None  # each failed call as a replay fixture in this directory
    save_calls: Path | None = None  # every call as a replay fixture in this directory


async def _targets(engine: AsyncEngine, args: StressArgs) -> list[Target]:
    tenants = args.tenants
    if args.all_tenants:
        async with engine.connect() as conn:
            tenants = await tenant_configs.active_tenants(conn)
    return [await load_target(engine, t, args.version) for t in tenants]


def _keeper(engine: AsyncEngine, settings: Settings, args: StressArgs, target: Target) -> OnRecord | None:
    directory = args.save_calls or args.save_failures
    if directory is None:
        return None
    name = target.graph.business.name if target.graph.business is not None else str(target.tenant_id)
    keep, _ = saver(engine, settings, directory, name, failures_only=args.save_calls is None)
    return keep


async def run_stress(engine: AsyncEngine, settings: Settings, args: StressArgs) -> list[tuple[Target, StressReport,
                                                                                             float]]:
    """Each target's report and wall time (seconds), one target after another."""
    personas = parse_personas(args.personas)
    dialer = StressDialer(engine, SmokeDialer(engine, settings))
    out = []
    try:
        for target in await _targets(engine, args):
            calls = persona_calls(target.graph, personas, args.calls, args.seed)
            before = await worker_counters(voice_url(settings))
            began = time.monotonic()
            keep = _keeper(engine, settings, args, target)
            verdicts = await run_calls(dialer, target, calls, concurrency=args.concurrency,
                                       max_seconds=args.max_seconds, on_record=keep)
            wall = time.monotonic() - began
            after = await worker_counters(voice_url(settings))
            late = frames = None
            if before is not None and after is not None:
                late, frames = after[0] - before[0], after[1] - before[1]
            out.append((target, summarize(verdicts, worker_late_frames=late, worker_frames=frames), wall))
    finally:
        dialer.voices.close()
    return out


def show(results: list[tuple[Target, StressReport, float]], args: StressArgs, out: TextIO) -> int:
    """Print the tables (or the JSON); the exit code."""
    if args.as_json:
        document: list[dict[str, Any]] = [
            {"tenant_id": str(t.tenant_id), "version": t.version, "wall_seconds": round(wall, 1),
             "passed": r.passed, **r.model_dump(mode="json")} for t, r, wall in results]
        out.write(json.dumps(document, indent=1) + "\n")
    else:
        for target, report, wall in results:
            mark = "passed" if report.passed else "FAILED"
            out.write(f"tenant {target.tenant_id} version {target.version}: {mark} "
                      f"({report.overall.calls} calls in {wall:.1f}s)\n{table(report)}\n\n")
    return 0 if all(r.passed for _, r, _ in results) else 1


async def _main(settings: Settings, url: str, args: StressArgs, out: TextIO) -> int:
    from infra.db.engine import make_engine

    engine = make_engine(url, pool_size=4)
    try:
        results = await run_stress(engine, settings, args)
    except (DomainError, ValueError) as refused:
        print(f"revos stress: {refused}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    if not results:
        print("revos stress: no tenant has an active version", file=sys.stderr)
        return 2
    return show(results, args, out)


def run(settings: Settings, args: StressArgs, out: TextIO = sys.stdout) -> int:
    """`revos stress`: 0 passed, 1 a persona failed, 2 nothing to run or to talk to."""
    from workers.local_db import database_url_for_cli

    voice = voice_url(settings)
    try:
        httpx.get(f"{voice}/healthz", timeout=5).raise_for_status()
    except httpx.HTTPError:
        print(f"revos stress: no voice worker at {voice} (`revos up` or `revos voice` first)", file=sys.stderr)
        return 2
    with database_url_for_cli(settings) as url:
        return asyncio.run(_main(settings, url, args, out))

"""Benchmark: the stress harness at 1, 4 and a higher number of calls at once, against a voice worker in its own
process with the deployment's engines (whisper hears, piper speaks), on this machine.

An example tenant's configuration is stored and its numbers bound (what onboarding leaves before activation); the
personas call it as `revos stress TENANT --config-version 1` does. Per concurrency: the run's wall time, calls and
how many passed, voice-to-voice p50/p95 and barge-in p95 as the worker recorded them, and the worker's late frames;
the highest concurrency the machine holds is the last one with no late frames and no more failures than at 1.
Run: python -m benchmarks.stress [--example harbour-plumbing.yaml] [--personas all] [--levels 1,4,8]
[--save-calls DIR] (every call kept as a replay fixture: how tests/fixtures/calls' persona calls were made)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from uuid import UUID, uuid4

from pydantic import SecretStr
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from benchmarks.common import migrated_database
from benchmarks.onboarding_wall import free_port, wait_ready
from domain.objectives import compile_config, parse_document
from domain.stress import StressReport
from domain.tenants import Tenant
from infra.db import tenant_configs
from infra.db.engine import make_engine
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from infra.settings import Settings
from infra.temporal.dev_server import temporal_binary
from infra.temporal.search_attributes import ALL
from workers.stress_cli import StressArgs, run_stress

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "tenants"


async def seed(url: str, example: str) -> UUID:
    """The example stored as version 1 of a new tenant, its numbers bound to it."""
    path = EXAMPLES / example
    fmt: Literal["json", "yaml"] = "json" if path.suffix == ".json" else "yaml"
    compiled = compile_config(path.read_text(), fmt)
    document = parse_document(path.read_text(), fmt)
    engine = make_engine(url, pool_size=1)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as conn:
            assert compiled.config.business is not None
            tenant = await create_tenant(conn, Tenant(id=uuid4(), name=compiled.config.business.name), now)
            await tenant_configs.create_version(conn, tenant.id, compiled, document, source_format=fmt,
                                                created_by="benchmarks.stress", now=now)
            for number in compiled.config.numbers:
                await bind_number(conn, tenant.id, number, now, compiled.config.escalation.transfer_to)
    finally:
        await engine.dispose()
    return tenant.id


def line(level: int, report: StressReport, wall: float) -> str:
    o = report.overall
    ms = [f"{v:.0f}" if v is not None else "-" for v in (o.voice_to_voice_p50_ms, o.voice_to_voice_p95_ms,
                                                          o.barge_in_p95_ms)]
    return (f"{level:>4} {wall:8.1f} {o.calls:>5} {o.passed:>6} {ms[0]:>8} {ms[1]:>8} {ms[2]:>9} "
            f"{report.worker_late_frames if report.worker_late_frames is not None else '-':>6}")


async def run(url: str, example: str, personas: str, levels: list[int], save_calls: Path | None = None) -> None:
    temporal = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(),
                                                     data_converter=pydantic_data_converter,
                                                     search_attributes=list(ALL), dev_server_log_level="error")
    try:
        await _run(url, temporal.client.service_client.config.target_host, example, personas, levels, save_calls)
    finally:
        await temporal.shutdown()


async def _run(url: str, temporal: str, example: str, personas: str, levels: list[int],
               save_calls: Path | None) -> None:
    port = free_port()
    secret = secrets.token_hex(16)
    settings = Settings(database_url=url, voice_port=port, onboarding_voice_url=f"http://127.0.0.1:{port}",
                        voice_stream_secret=SecretStr(secret), task_queue_suffix=f"-bench-{uuid4().hex[:6]}")
    env = {**os.environ, "REVOS_DATABASE_URL": url, "REVOS_VOICE_STREAM_SECRET": secret, "REVOS_VOICE_PORT": str(port),
           "REVOS_TASK_QUEUE_SUFFIX": settings.task_queue_suffix, "REVOS_TEMPORAL_ADDRESS": temporal}
    voice = subprocess.Popen([sys.executable, "-m", "workers.cli", "voice", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL)
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz")
        tenant = await seed(url, example)
        engine = make_engine(url, pool_size=10)
        print(f"{example}, personas {personas}; figures from a shared 2-core machine")
        print(f"{'at':>4} {'wall s':>8} {'calls':>5} {'passed':>6} {'v2v p50':>8} {'v2v p95':>8} {'barge p95':>9} "
              f"{'late':>6}")
        try:
            for level in levels:
                began = time.monotonic()
                args = StressArgs(tenants=[tenant], version=1, personas=personas, concurrency=level,
                                  save_calls=save_calls)
                [(_, report, _)] = await run_stress(engine, settings, args)
                print(line(level, report, time.monotonic() - began), flush=True)
                for verdict in report.calls:
                    if verdict.problems:
                        print(f"       {verdict.persona.value}: {verdict.problems[0]}")
        finally:
            await engine.dispose()
    finally:
        voice.terminate()
        voice.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="harbour-plumbing.yaml")
    parser.add_argument("--personas", default="all")
    parser.add_argument("--levels", default="1,4,8", help="calls at once, comma-separated")
    parser.add_argument("--save-calls", metavar="DIR", help="keep every call as a replay fixture in DIR")
    args = parser.parse_args()
    with migrated_database() as url:
        asyncio.run(run(url, args.example, args.personas, [int(n) for n in args.levels.split(",")],
                        Path(args.save_calls) if args.save_calls else None))


if __name__ == "__main__":
    main()

"""Stress calls kept as replay fixtures (`revos stress --save-failures DIR`, `--save-calls DIR`).

A persona call is a call like any other: once its recording is stored, it is replayed from its events and written
by `revos replay --save`'s own code (`workers.replay_cli.save_fixture`), so there is one fixture format. The
fixture's description says who called, what the persona expected and what went wrong.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.call_replay import CallReplayer
from activities.stress_calls import StressCallRecord
from domain.events import stream_name
from infra.db.event_store import EventStore
from infra.db.replay_sources import PostgresReplaySources
from infra.settings import Settings
from voice_runtime.call_events import AFTER_END
from workers.replay_cli import save_fixture
from workers.stress import OnRecord

STORED_WAIT = 15.0  # the recording is stored off the call loop, after `call.ended`


def fixture_name(record: StressCallRecord) -> str:
    """The persona, the business state and the seed: the same caller on the same graph."""
    v = record.verdict
    return f"{v.persona.value}_{'open' if v.business_open else 'closed'}_seed{v.seed}"


def describe(record: StressCallRecord, tenant: str) -> str:
    """What the fixture is: the persona's call, and its verdict."""
    v = record.verdict
    state = "in business hours" if v.business_open else "after hours"
    verdict = "its expectations held" if not v.problems else "it failed: " + "; ".join(v.problems)
    return (f"Stress persona {v.persona.value} (seed {v.seed}) calling {tenant} {state} through the voice worker; "
            f"{verdict}.")


async def _recording_stored(store: EventStore, stream: str) -> None:
    deadline = time.monotonic() + STORED_WAIT
    while time.monotonic() < deadline:
        if any(e.type in AFTER_END for e in await store.read(stream)):
            return
        await asyncio.sleep(0.1)


async def save_call(engine: AsyncEngine, settings: Settings, record: StressCallRecord, directory: Path,
                    tenant: str) -> list[Path]:
    """Write the call as DIR/PERSONA_STATE_seedN.json (and its caller leg), a second one of the same caller
    beside it; the files written."""
    sid = record.verdict.call_sid
    await _recording_stored(EventStore(engine), stream_name("call", sid))
    replayer = CallReplayer(PostgresReplaySources(engine))
    report = await replayer.replay(sid)
    path = directory / f"{fixture_name(record)}.json"
    n = 2
    while path.exists():
        path, n = directory / f"{fixture_name(record)}_{n}.json", n + 1
    return await save_fixture(replayer, settings, report, path, describe(record, tenant))


def saver(engine: AsyncEngine, settings: Settings, directory: Path, tenant: str, *,
          failures_only: bool) -> tuple[OnRecord, list[Path]]:
    """`run_calls(on_record=...)` keeping each failed call (or every call), and the list of files it wrote."""
    written: list[Path] = []

    async def keep(record: StressCallRecord) -> None:
        if failures_only and not record.verdict.problems:
            return
        written.extend(await save_call(engine, settings, record, directory, tenant))

    return keep, written

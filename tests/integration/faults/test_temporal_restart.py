"""The Temporal server restarts while three calls are live: the calls go on, and each call's events reach
its CallWorkflow once (the voice worker's buffer holds them across the outage; the workflow keeps them by
sequence number). Scripted STT and prerendered TTS (voice_runtime/testing), real audio over the socket."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from domain.tenants import Tenant
from domain.voice.messages import CallSummary, call_workflow_id
from infra.db.tenants import create_tenant
from infra.db.voice_numbers import bind_number
from infra.settings import Settings
from infra.temporal import dev_server, queues
from tests.helpers.net import free_port
from tests.helpers.voice_worker import ESCALATION, FAST, NUMBER, RunningVoice, during_call, stored_events
from voice_runtime.testing.prerendered_tts import PrerenderedTts
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Say, Step, WaitForAgent
from workers.voice import build_runtime
from workflows.call import CallWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LINES = ["my name is jane smith", "yes", "yes"]


class TemporalServer:
    """A dev server with a persistent database file, so a restart keeps its workflows."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port, self.ui_port = folder, free_port(), free_port()
        self.proc: Any = None

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.proc = dev_server.spawn(self.folder / "temporal.db", port=self.port, ui_port=self.ui_port,
                                     log_file=self.folder / "temporal.log")
        for _ in range(200):
            try:
                await Client.connect(self.target)
                return
            except RuntimeError:
                await asyncio.sleep(0.1)
        raise RuntimeError("the Temporal dev server did not come up")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@asynccontextmanager
async def voice(settings: Settings, engine: AsyncEngine, piper: Any, address: str) -> AsyncIterator[RunningVoice]:
    port = free_port()
    s = settings.model_copy(update={"voice_port": port, "voice_event_retry_max_seconds": 0.5, **FAST})
    runtime = build_runtime(s, engine=engine, stt=ScriptedStt([ScriptLine(t, 300) for t in LINES]),
                            tts=PrerenderedTts(piper), temporal_address=address)
    runtime.engine = None  # the test's engine fixture disposes of it
    runtime.start()
    server = uvicorn.Server(uvicorn.Config(runtime.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield RunningVoice(f"http://127.0.0.1:{port}", runtime)
    finally:
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
        await runtime.stop(drain_timeout=5.0)


@pytest.fixture(scope="module")
def piper() -> Any:
    from voice_runtime.tts.piper_tts import PiperTts

    tts = PiperTts()
    asyncio.run(tts.warm_up())
    yield tts
    tts.close()


async def test_temporal_restart_during_three_live_calls(settings: Settings, engine: AsyncEngine, piper: Any,
                                                       tmp_path: Path) -> None:
    async with engine.begin() as conn:
        tenant = await create_tenant(conn, Tenant(id=uuid.uuid4(), name="Acme Plumbing"), datetime.now(UTC))
        await bind_number(conn, tenant.id, NUMBER, datetime.now(UTC), transfer_to=ESCALATION)
    temporal = TemporalServer(tmp_path)
    await temporal.start()
    try:
        client = await Client.connect(temporal.target, data_converter=pydantic_data_converter)
        worker = Worker(client, task_queue=settings.queue(queues.VOICE), workflows=[CallWorkflow])
        async with worker, voice(settings, engine, piper, temporal.target) as running:
            callers = [await running.place_call(piper, caller=f"+6140000000{i}") for i in range(3)]
            script: list[Step] = [WaitForAgent(), Say(LINES[0]), WaitForAgent(), Say(LINES[1]), WaitForAgent(),
                                  Say(LINES[2]), WaitForAgent(), Hangup()]
            calls = asyncio.gather(*(c.run(script) for c in callers))
            await asyncio.sleep(2.0)  # the calls are talking
            assert not calls.done()
            temporal.stop()
            held = 0
            for _ in range(20):  # 1 s with Temporal gone: the calls' events wait in the voice worker's buffer
                held = max(held, running.runtime.buffer.pending()["temporal"])
                await asyncio.sleep(0.05)
            await temporal.start()
            reports = await asyncio.wait_for(calls, 120)
            summaries = []
            for caller in callers:
                handle = client.get_workflow_handle(call_workflow_id(caller.call_sid))
                summaries.append(CallSummary.model_validate(await asyncio.wait_for(handle.result(), 60)))
                assert await handle.query(CallWorkflow.received) == summaries[-1].events
    finally:
        temporal.stop()
    assert held > 0  # the outage was felt: events were held while Temporal was gone
    for caller, report, summary in zip(callers, reports, summaries, strict=True):
        events = await stored_events(engine, caller.call_sid)
        assert report.agent_frames > 0 and summary.complete and summary.end_reason == "caller_hangup"
        assert summary.events == len(during_call(events))  # every event once: none lost to the restart, none twice
        assert [e.seq for e in events] == list(range(1, len(events) + 1))

"""A call completes while Temporal is down; its events reach the CallWorkflow once Temporal is back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.tenants import Tenant
from domain.voice.messages import CallSummary, call_workflow_id
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.dev_server import temporal_binary
from tests.helpers.net import free_port
from tests.helpers.voice_worker import FAST, VoiceFactory, during_call, stored_events
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Say, WaitForAgent
from workflows.call import CallWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_call_completes_while_temporal_is_down_and_events_arrive_after(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine, settings: Settings
) -> None:
    port = free_port()  # nothing listens here until the end of the call
    stt = ScriptedStt([ScriptLine("my name is jane smith", 300)])
    async with voice_worker(stt, piper, temporal_address=f"127.0.0.1:{port}", **FAST,
                            voice_event_retry_max_seconds=0.5) as voice:
        caller = await voice.place_call(piper)
        report = await caller.run([WaitForAgent(), Say("my name is jane smith"), WaitForAgent(), Hangup()])
        events = await stored_events(engine, caller.call_sid)  # Postgres got them during the call
        assert during_call(events)[-1].type == "call.ended" and report.agent_frames > 0
        status = voice.runtime.buffer.status()["temporal"]
        assert status["pending"] == len(events) and status["failures"] >= 1  # type: ignore[operator]

        env = await WorkflowEnvironment.start_local(port=port, dev_server_existing_path=temporal_binary(),
                                                    data_converter=pydantic_data_converter,
                                                    dev_server_log_level="error")
        try:
            worker = Worker(env.client, task_queue=settings.queue(queues.VOICE), workflows=[CallWorkflow])
            async with worker:
                handle = env.client.get_workflow_handle(call_workflow_id(caller.call_sid))
                for _ in range(300):
                    if voice.runtime.buffer.pending()["temporal"] == 0:
                        break
                    await asyncio.sleep(0.1)
                summary = CallSummary.model_validate(await asyncio.wait_for(handle.result(), 30))
        finally:
            await env.shutdown()
    assert summary.complete and summary.events == len(during_call(events))  # after-call events go to Postgres only
    assert summary.end_reason == "caller_hangup"

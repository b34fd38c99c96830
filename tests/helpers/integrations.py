"""Integrations test helpers: the config-version tables (until the onboard branch lands them), an active config."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError

from domain.integrations.messages import FollowUpResult, follow_up_workflow_id
from domain.objectives import compile_config
from domain.voice.messages import CallEventIn, CallEventsSignal, CallWorkflowInput, call_workflow_id
from infra.db.tables_integrations import deliveries
from infra.settings import Settings
from infra.temporal import queues
from infra.temporal.signals import signal_name
from tests.helpers.net import free_port
from tests.helpers.polling import until
from tests.helpers.voice_worker import FAST, RunningVoice
from voice_runtime.stt.base import SpeechToText
from voice_runtime.tts.base import TextToSpeech
from workers.voice import build_runtime
from workflows.call import CallWorkflow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenants"

async def activate_config(conn: AsyncConnection, tenant_id: UUID, document: str) -> str:
    """Store `document` as the tenant's next version, mark it smoke-tested and make it active; returns its hash.

    The onboarding workflow does this for real (with spoken smoke calls); these tests are about what comes after.
    """
    from infra.db import tenant_configs

    compiled = compile_config(document)
    now = datetime.now(UTC)
    stored, _ = await tenant_configs.create_version(conn, tenant_id, compiled, compiled.config.model_dump(mode="json"),
                                                    source_format="yaml", created_by="test", now=now)
    await tenant_configs.record_smoke(conn, tenant_id, stored.version, passed=True, workflow_id="test",
                                      detail={}, now=now)
    await tenant_configs.activate(conn, tenant_id, stored.version, reason="onboarding", activated_by="test", now=now)
    return compiled.hash


def harbour_document(webhook_url: str, *, sms_to: str = "+61400000003") -> str:
    """The Harbour Plumbing example with its webhook pointed at a local receiver."""
    text = (EXAMPLES / "harbour-plumbing.yaml").read_text()
    return text.replace('"https://hooks.example/revos"', f'"{webhook_url}"').replace('"+61400000003"', f'"{sms_to}"')


def call_events(call_sid: str, tenant_id: UUID, *, outcomes: list[tuple[str, str, str | None]],
                extra: Sequence[tuple[str, dict[str, Any]]] = (), version: int | None = 1) -> list[CallEventIn]:
    """A finished call's events as the voice worker signals them (CONTRACT's names and fields)."""
    now = datetime.now(UTC)
    items: list[tuple[str, dict[str, Any]]] = [("call.started", {
        "call_sid": call_sid, "stream_sid": "MZ1", "tenant_id": str(tenant_id), "caller": "+61400000001",
        "called": "+61290000001", "config_version": version, "config_hash": "", "business_open": True,
        "transport": "twilio"})]
    items += [("objective.outcome", {"objective": o, "kind": k, "value": v}) for o, k, v in outcomes]
    items += [*extra, ("call.ended", {"reason": "dialogue_complete", "duration_ms": 95_000})]
    return [CallEventIn(seq=i + 1, type=t, payload=p, occurred_at=now) for i, (t, p) in enumerate(items)]


LEAD_DELIVERIES = [("crm", "call.ended"), ("crm", "lead.captured"), ("owner_sms", "lead.captured"),
                   ("office_email", "call.ended"), ("bookings", "appointment.requested")]  # the example's, for LEAD
LEAD = [("name", "confirmed", "Sam Lee"), ("service", "chosen", "quote"), ("phone", "confirmed", "+61412345678"),
        ("email", "declined", None), ("visit", "confirmed", "2026-11-26T15:00:00+11:00")]


async def start_call(client: Client, settings: Settings, call_sid: str, tenant_id: UUID,
                     events: list[CallEventIn]) -> None:
    """What the voice worker's Temporal lane does: signal-with-start the call's workflow with its events."""
    await client.start_workflow(CallWorkflow.run, CallWorkflowInput(call_sid=call_sid, tenant_id=str(tenant_id)),
                                id=call_workflow_id(call_sid), task_queue=settings.queue(queues.VOICE),
                                start_signal=signal_name(CallWorkflow.add_events),
                                start_signal_args=[CallEventsSignal(events=events)])


async def deliveries_of(engine: AsyncEngine, call_sid: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(integration, event) -> the delivery's row, for one call."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(deliveries).where(deliveries.c.call_sid == call_sid))).mappings().all()
    return {(r["integration_id"], r["event"]): dict(r) for r in rows}


async def settled(engine: AsyncEngine, call_sid: str, count: int, *, timeout: float = 60.0,
                  statuses: frozenset[str] = frozenset({"delivered", "dead"})) -> dict[tuple[str, str], dict[str, Any]]:
    """The call's deliveries once `count` of them exist and each is in one of `statuses`."""
    async def probe() -> dict[tuple[str, str], dict[str, Any]]:
        return await deliveries_of(engine, call_sid)

    return await until(probe, accept=lambda d: len(d) == count and all(r["status"] in statuses for r in d.values()),
                       timeout=timeout, every=0.2)


async def follow_up_of(client: Client, call_sid: str, *, timeout: float = 60.0) -> FollowUpResult:
    """The call's CallFollowUpWorkflow result, once CallWorkflow has started it and it has finished."""
    async def probe() -> FollowUpResult | None:
        try:
            handle = client.get_workflow_handle(follow_up_workflow_id(call_sid), result_type=FollowUpResult)
            return FollowUpResult.model_validate(await handle.result())
        except RPCError:
            return None

    return await until(probe, timeout=timeout, every=0.2)


@asynccontextmanager
async def running_voice(settings: Settings, engine: AsyncEngine, client: Client, stt: SpeechToText,
                        tts: TextToSpeech) -> AsyncIterator[RunningVoice]:
    """The real voice worker (uvicorn on a free port) against this test's database and Temporal."""
    port = free_port()
    runtime = build_runtime(settings.model_copy(update={"voice_port": port, **FAST}), engine=engine, stt=stt,
                            tts=tts, temporal_client=client)
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

"""The voice worker process (`revos voice`): wires the call loop once and serves it with uvicorn.

It reaches Postgres and Temporal only through the event buffer, so calls go on when they are down.
`voice_bundle` registers CallWorkflow with the Temporal worker (revos worker).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from infra.settings import Settings
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps

if TYPE_CHECKING:
    from voice_runtime.door import StreamDoor
    from voice_runtime.event_buffer import EventBuffer
    from voice_runtime.frame_clock import FrameClock
    from voice_runtime.metrics import VoiceMetrics
    from voice_runtime.routing import RouteRecord, RouteSource
    from voice_runtime.session import VoiceDeps
    from voice_runtime.stt.base import SpeechToText
    from voice_runtime.transfer import TransferPort
    from voice_runtime.tts.base import TextToSpeech
    from voice_runtime.webrtc.gate import TenantLookup, WebRtcGate

log = logging.getLogger(__name__)


def voice_bundle(deps: WorkerDeps) -> WorkerBundle:
    from workflows.call import CallWorkflow

    return WorkerBundle(task_queue=queues.VOICE, workflows=[CallWorkflow])


@dataclass
class VoiceRuntime:
    """Everything one voice worker process runs."""

    app: FastAPI
    deps: VoiceDeps
    buffer: EventBuffer
    clock: FrameClock
    engine: AsyncEngine | None
    door: StreamDoor
    webrtc: WebRtcGate | None = None

    def start(self) -> None:
        self.buffer.start()

    async def warm_up(self) -> None:
        """Load the local engines' models before the first call (cloud engines have nothing to load)."""
        from voice_runtime.engines.factory import warm_up_vad

        for engine in (self.deps.stt, self.deps.tts):
            warm = getattr(engine, "warm_up", None)
            if warm is not None:
                await warm()
        await warm_up_vad(self.deps.config, self.deps.config.vad_warm_models)

    async def stop(self, drain_timeout: float = 2.0) -> None:
        if self.webrtc is not None:
            await self.webrtc.close()
        if self.deps.recordings is not None:  # their `call.recording_stored` events go through the buffer
            await self.deps.recordings.drain(max(drain_timeout, 5.0))
        await self.buffer.stop(drain_timeout)
        await self.clock.stop()
        await self.door.security.drain()
        if self.engine is not None:
            await self.engine.dispose()


def build_runtime(settings: Settings, *, engine: AsyncEngine | None = None, stt: SpeechToText | None = None,
                  tts: TextToSpeech | None = None, transfer: TransferPort | None = None,
                  temporal_client: Client | None = None, temporal_address: str | None = None,
                  routes: RouteSource | None = None, smoke_transfer: TransferPort | None = None) -> VoiceRuntime:
    """Wire the voice worker once (tests pass their own engine, engines, transfer adapters and routing table).

    `smoke_transfer` is what smoke calls transfer through (default: the local adapter, never a real phone).
    """
    from infra.db.engine import make_engine
    from infra.recordings.store import build_store
    from voice_runtime.app import create_voice_app
    from voice_runtime.context import VoiceConfig
    from voice_runtime.deliveries import PostgresDelivery, TemporalDelivery
    from voice_runtime.engines.factory import build_vad
    from voice_runtime.event_buffer import Delivery, EventBuffer
    from voice_runtime.frame_clock import FrameClock
    from voice_runtime.metrics import VoiceMetrics
    from voice_runtime.recording_writer import RecordingWriter
    from voice_runtime.session import VoiceDeps

    if engine is None and settings.database_url:
        engine = make_engine(settings.database_url, pool_size=2)
    metrics = VoiceMetrics()
    address = temporal_address or settings.temporal_target
    deliveries: list[Delivery] = [TemporalDelivery(address, settings.temporal_namespace,
                                                   settings.queue(queues.VOICE), client=temporal_client)]
    if engine is not None:
        deliveries.insert(0, PostgresDelivery(engine))
    buffer = EventBuffer(deliveries, capacity=settings.voice_event_buffer_capacity, metrics=metrics,
                         retry_max=settings.voice_event_retry_max_seconds)
    if stt is None or tts is None:
        built_stt, built_tts = _engines(settings)
        stt, tts = stt or built_stt, tts or built_tts
    clock = FrameClock(metrics)
    deps = VoiceDeps(config=VoiceConfig.from_settings(settings), metrics=metrics, sink=buffer, stt=stt,
                     tts=tts, transfer=transfer or build_transfer(settings), clock=clock, vad_factory=build_vad,
                     recordings=RecordingWriter(build_store(settings), max_seconds=settings.recordings_max_seconds))
    if smoke_transfer is not None:
        deps.smoke_transfer = smoke_transfer
    door = build_door(settings, metrics, engine, routes)
    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None
    app = create_voice_app(deps, buffer, door, auth_token=token, public_base_url=settings.public_base_url)
    webrtc = install_webrtc_calls(app, deps, settings, door, _lines(engine, routes))
    return VoiceRuntime(app=app, deps=deps, buffer=buffer, clock=clock, engine=engine, door=door, webrtc=webrtc)


def build_door(settings: Settings, metrics: VoiceMetrics, engine: AsyncEngine | None,
               routes: RouteSource | None) -> StreamDoor:
    """Routing (the database's records, or the given table), the stream secret and the refusal log."""
    from infra.stream_secret import stream_secret
    from voice_runtime.door import StreamDoor
    from voice_runtime.records import DatabaseRoutes
    from voice_runtime.routing import Planner
    from voice_runtime.security import SecurityLog

    if routes is None:
        if engine is None:
            raise RuntimeError("no database configured: cannot route calls")
        routes = DatabaseRoutes(engine)
    security = SecurityLog(metrics, write=_refusal_writer(engine) if engine is not None else None)
    return StreamDoor(Planner(routes), stream_secret(settings), token_ttl=settings.voice_stream_token_ttl_seconds,
                      security=security)


def _lines(engine: AsyncEngine | None, routes: RouteSource | None) -> TenantLookup | None:
    """Where browser calls find their tenant: the given table, else the database's records."""
    from voice_runtime.records import DatabaseRoutes
    from voice_runtime.routing import StaticRoutes

    if isinstance(routes, StaticRoutes | DatabaseRoutes):
        return routes.line
    return DatabaseRoutes(engine).line if engine is not None else None


def _refusal_writer(engine: AsyncEngine) -> Callable[[dict[str, Any]], Awaitable[None]]:
    from datetime import UTC, datetime

    from domain.events import NewEvent, stream_name
    from infra.db import event_store

    refusals = stream_name("security", "refusals")  # where the API records its refused requests too

    async def write(fact: dict[str, Any]) -> None:
        async with engine.begin() as conn:
            await event_store.append(conn, refusals, [NewEvent(type="voice.stream_refused", payload=fact,
                                                                      occurred_at=datetime.now(UTC))])

    return write


def install_webrtc_calls(app: FastAPI, deps: VoiceDeps, settings: Settings, door: StreamDoor,
                         lines: TenantLookup | None) -> WebRtcGate:
    """POST /webrtc/offer on the voice worker: browser calls into the same pipeline (voice_runtime/webrtc),
    planned by the phone calls' planner (the tenant's active version, pinned for the call)."""
    from voice_runtime.webrtc.gate import WebRtcGate
    from voice_runtime.webrtc.ice import restrict_ice
    from voice_runtime.webrtc.routes import install_webrtc

    restrict_ice(settings.webrtc_ice_networks)

    async def no_records(tenant_id: UUID) -> RouteRecord | None:
        raise RuntimeError("no database configured: cannot plan calls")

    gate = WebRtcGate(deps, door.secret, lines or no_records, door.planner,
                      ice_servers=list(settings.webrtc_ice_servers), max_seconds=settings.webrtc_max_call_seconds)
    if settings.voice_transfer_adapter == "twilio":
        gate.transfer, gate.bridges = webrtc_twilio_transfer(settings, gate), True
    install_webrtc(app, gate)
    return gate


def webrtc_twilio_transfer(settings: Settings, gate: WebRtcGate) -> TransferPort:
    """Browser calls' transfers through Twilio: dial the target, bridge its leg back to /webrtc/bridge."""
    from voice_runtime.webrtc.bridge import WebRtcTwilioTransfer

    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.public_base_url):
        raise RuntimeError("twilio transfers of browser calls need REVOS_TWILIO_ACCOUNT_SID, REVOS_TWILIO_AUTH_TOKEN "
                           "and REVOS_PUBLIC_BASE_URL (where Twilio streams the target's leg back)")
    base = settings.public_base_url.rstrip("/")
    bridge_url = ("wss://" + base.removeprefix("https://") if base.startswith("https://")
                  else "ws://" + base.removeprefix("http://")) + "/webrtc/bridge"
    return WebRtcTwilioTransfer(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                                secret=gate.secret, bridge_url=bridge_url, number_of=gate.number_of,
                                timeout=settings.voice_transfer_timeout_seconds)


def run_forever(settings: Settings) -> None:
    """`revos voice`: serve on uvloop (faster sockets) until SIGINT/SIGTERM."""
    import signal

    import uvloop

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, stop)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())


def _engines(settings: Settings) -> tuple[SpeechToText, TextToSpeech]:
    from voice_runtime.engines.factory import build_engines

    return build_engines(settings)


def build_transfer(settings: Settings) -> TransferPort:
    from voice_runtime.transfer import LocalTransfer, TwilioTransfer

    if settings.voice_transfer_adapter == "twilio":
        if not (settings.twilio_account_sid and settings.twilio_auth_token):
            raise RuntimeError("the twilio transfer adapter needs REVOS_TWILIO_ACCOUNT_SID and REVOS_TWILIO_AUTH_TOKEN")
        return TwilioTransfer(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                              timeout=settings.voice_transfer_timeout_seconds)
    return LocalTransfer()


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set (SIGINT/SIGTERM in `revos voice`)."""
    import uvicorn

    runtime = build_runtime(settings)
    await runtime.warm_up()
    gc.collect()
    gc.freeze()  # long-lived objects out of the collector's way: shorter pauses in the 20 ms loop
    runtime.start()
    server = uvicorn.Server(uvicorn.Config(runtime.app, host=settings.voice_host, port=settings.voice_port,
                                           log_level=settings.log_level.lower(), access_log=False,
                                           lifespan="off"))
    serving = asyncio.create_task(server.serve())
    log.info("voice worker on http://%s:%s/", settings.voice_host, settings.voice_port)
    stop = stop or asyncio.Event()
    done, _ = await asyncio.wait({serving, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await asyncio.gather(serving, return_exceptions=True)
    await runtime.stop()

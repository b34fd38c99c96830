"""The voice worker process (`revos voice`): wires the call loop once and serves it with uvicorn.

It reaches Postgres and Temporal only through the event buffer, so calls go on when they are down.
`voice_bundle` registers CallWorkflow with the Temporal worker (revos worker).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from infra.settings import Settings
from infra.temporal import queues
from workers.registry import WorkerBundle, WorkerDeps

if TYPE_CHECKING:
    from voice_runtime.event_buffer import EventBuffer
    from voice_runtime.frame_clock import FrameClock
    from voice_runtime.session import VoiceDeps
    from voice_runtime.stt.base import SpeechToText
    from voice_runtime.transfer import TransferPort
    from voice_runtime.tts.base import TextToSpeech

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

    def start(self) -> None:
        self.buffer.start()

    async def warm_up(self) -> None:
        """Load the local engines' models before the first call (cloud engines have nothing to load)."""
        for engine in (self.deps.stt, self.deps.tts):
            warm = getattr(engine, "warm_up", None)
            if warm is not None:
                await warm()

    async def stop(self, drain_timeout: float = 2.0) -> None:
        await self.buffer.stop(drain_timeout)
        await self.clock.stop()
        if self.engine is not None:
            await self.engine.dispose()


def build_runtime(settings: Settings, *, engine: AsyncEngine | None = None, stt: SpeechToText | None = None,
                  tts: TextToSpeech | None = None, transfer: TransferPort | None = None,
                  temporal_client: Client | None = None, temporal_address: str | None = None) -> VoiceRuntime:
    """Wire the voice worker once (tests pass their own engine, engines and transfer adapter)."""
    from infra.db.engine import make_engine
    from infra.db.voice_numbers import NumberRoute, route_for
    from voice_runtime.app import create_voice_app
    from voice_runtime.context import VoiceConfig
    from voice_runtime.deliveries import PostgresDelivery, TemporalDelivery
    from voice_runtime.event_buffer import Delivery, EventBuffer
    from voice_runtime.frame_clock import FrameClock
    from voice_runtime.metrics import VoiceMetrics
    from voice_runtime.session import VoiceDeps
    from voice_runtime.vad_factory import make_vad

    if engine is None and settings.database_url:
        engine = make_engine(settings.database_url, pool_size=2)
    metrics = VoiceMetrics()
    address = temporal_address or settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
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
                     tts=tts, transfer=transfer or build_transfer(settings), clock=clock, vad_factory=make_vad)

    async def resolve(number: str) -> NumberRoute | None:
        if engine is None:
            raise RuntimeError("no database configured: cannot route calls")
        async with engine.connect() as conn:
            return await route_for(conn, number)

    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None
    app = create_voice_app(deps, buffer, resolve, auth_token=token, public_base_url=settings.public_base_url)
    return VoiceRuntime(app=app, deps=deps, buffer=buffer, clock=clock, engine=engine)


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
    from voice_runtime.engines import build_engines

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

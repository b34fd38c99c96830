"""A browser call end to end: the API and the voice worker served over real HTTP (uvicorn, in the test's loop),
the deployment's own speech engines (build_engines), Chromium with a fake microphone driving the dashboards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from infra.settings import Settings
from tests.helpers.net import free_port
from tests.helpers.webrtc import LOOPBACK
from workers.voice import VoiceRuntime, build_runtime


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    port = free_port()
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", voice_port=port,
                    voice_health_url=f"http://127.0.0.1:{port}/healthz",
                    webrtc_public_url=f"http://127.0.0.1:{port}", **LOOPBACK)  # the deployment's turn-taking


@asynccontextmanager
async def serving(app: FastAPI, port: int = 0) -> AsyncIterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def voice(settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment
                ) -> AsyncIterator[VoiceRuntime]:
    """The voice worker on the deployment's engines (whatever build_engines chooses), warmed up."""
    runtime = build_runtime(settings, engine=engine, temporal_client=temporal_env.client)
    runtime.engine = None  # the engine fixture disposes of it
    await runtime.warm_up()
    runtime.start()
    async with serving(runtime.app, settings.voice_port):
        yield runtime
    await runtime.stop(drain_timeout=5.0)
    for engine_ in (runtime.deps.stt, runtime.deps.tts):
        close: Any = getattr(engine_, "close", None)
        if close is not None:
            close()


@pytest.fixture
async def api_url(settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment) -> AsyncIterator[str]:
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default",
                                                                       client=temporal_env.client))
    async with serving(app) as url:
        yield url

"""The Temporal worker process (`revos worker`): one Worker per task queue, every bundle in the registry."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

from infra.db.engine import make_engine
from infra.settings import Settings
from infra.temporal.client import connect
from workers.bundle import WorkerDeps, build_workers
from workers.registry import BUNDLE_FACTORIES

log = logging.getLogger(__name__)


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    if not settings.database_url:
        raise RuntimeError("REVOS_DATABASE_URL is required to run the worker")
    engine = make_engine(settings.database_url)
    client = await connect(settings.temporal_target, settings.temporal_namespace)
    deps = WorkerDeps(settings=settings, engine=engine, client=client)
    workers = build_workers(deps, BUNDLE_FACTORIES, queue_suffix=settings.task_queue_suffix)
    stop = stop or asyncio.Event()
    async with AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker)
        log.info("worker polling %s", ", ".join(w.task_queue for w in workers))
        await stop.wait()
    await engine.dispose()

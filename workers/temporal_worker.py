"""The Temporal worker process: one Worker per task queue, all bundles from the registry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack

from temporalio.worker import Worker

from infra.db.engine import make_engine
from infra.settings import Settings
from infra.temporal.client import connect
from workers.registry import WorkerDeps, load_bundles, merge_by_queue

log = logging.getLogger(__name__)


def build_workers(deps: WorkerDeps, *, queue_suffix: str = "", bundle_names: Sequence[str] | None = None
                  ) -> list[Worker]:
    """Workers for every registered bundle; tests pass a suffix to get their own task queues."""
    merged = merge_by_queue(load_bundles(deps, bundle_names))
    return [
        Worker(
            deps.client,
            task_queue=queue + queue_suffix,
            workflows=list(bundle.workflows),
            activities=list(bundle.activities),
        )
        for queue, bundle in merged.items()
    ]


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    if not settings.database_url:
        raise RuntimeError("REVOS_DATABASE_URL is required to run the worker")
    address = settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    engine = make_engine(settings.database_url)
    client = await connect(address, settings.temporal_namespace)
    deps = WorkerDeps(settings=settings, engine=engine, client=client)
    workers = build_workers(deps, queue_suffix=settings.task_queue_suffix)
    stop = stop or asyncio.Event()
    async with AsyncExitStack() as stack:
        for worker in workers:
            await stack.enter_async_context(worker)
        log.info("worker polling %s", ", ".join(w.task_queue for w in workers))
        await stop.wait()
    await engine.dispose()

"""What a domain gives the Temporal worker: a bundle of workflows and activities on its task queue.

A bundle factory takes the process's WorkerDeps (wired once, in the worker process) and returns the
domain's WorkerBundle; workers/registry.py lists the factories.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker

from infra.settings import Settings
from infra.temporal.errors import DomainErrorInterceptor


@dataclass
class WorkerDeps:
    settings: Settings
    engine: AsyncEngine
    client: Client


@dataclass
class WorkerBundle:
    task_queue: str
    workflows: Sequence[type] = field(default_factory=list)
    activities: Sequence[Callable[..., Any]] = field(default_factory=list)


BundleFactory = Callable[[WorkerDeps], WorkerBundle]


def merge_by_queue(bundles: Sequence[WorkerBundle]) -> dict[str, WorkerBundle]:
    """One bundle per task queue: the workflows and activities of every bundle that shares it."""
    merged: dict[str, WorkerBundle] = {}
    for bundle in bundles:
        into = merged.setdefault(bundle.task_queue, WorkerBundle(task_queue=bundle.task_queue,
                                                                 workflows=[], activities=[]))
        into.workflows = [*into.workflows, *bundle.workflows]
        into.activities = [*into.activities, *bundle.activities]
    return merged


def build_workers(deps: WorkerDeps, factories: Sequence[BundleFactory], *, queue_suffix: str = "") -> list[Worker]:
    """One Worker per task queue for these bundles; tests pass a suffix to get their own task queues.

    Every worker translates domain refusals at its edge (DomainErrorInterceptor).
    """
    merged = merge_by_queue([make(deps) for make in factories])
    return [
        Worker(deps.client, task_queue=queue + queue_suffix, workflows=list(bundle.workflows),
               activities=list(bundle.activities), interceptors=[DomainErrorInterceptor()])
        for queue, bundle in merged.items()
    ]

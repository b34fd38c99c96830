"""The worker registry: each domain contributes a bundle of workflows and activities.

A domain adds one line to BUNDLE_FACTORIES: "module:function", where the function takes
WorkerDeps and returns a WorkerBundle. Every process wires its dependencies in one place.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from activities.events import EventActivities
from infra.settings import Settings
from infra.temporal import queues


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


def spine_bundle(deps: WorkerDeps) -> WorkerBundle:
    return WorkerBundle(task_queue=queues.SPINE, activities=[EventActivities(deps.engine).append_events])


BUNDLE_FACTORIES: list[str] = [
    "workers.registry:spine_bundle",
    "workers.governance_worker:governance_bundle",
    "workers.capital:capital_bundle",
    "workers.kernel:kernel_bundle",
    "workers.voice:voice_bundle",
]


def load_bundles(deps: WorkerDeps, names: Sequence[str] | None = None) -> list[WorkerBundle]:
    bundles = []
    for name in names if names is not None else BUNDLE_FACTORIES:
        module, func = name.split(":")
        bundles.append(getattr(importlib.import_module(module), func)(deps))
    return bundles


def merge_by_queue(bundles: Sequence[WorkerBundle]) -> dict[str, WorkerBundle]:
    merged: dict[str, WorkerBundle] = {}
    for bundle in bundles:
        into = merged.setdefault(bundle.task_queue, WorkerBundle(task_queue=bundle.task_queue,
                                                                 workflows=[], activities=[]))
        into.workflows = [*into.workflows, *bundle.workflows]
        into.activities = [*into.activities, *bundle.activities]
    return merged

"""The spine's worker bundle: the event-store append every domain's workflows may use."""

from __future__ import annotations

from activities.events import EventActivities
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps


def spine_bundle(deps: WorkerDeps) -> WorkerBundle:
    return WorkerBundle(task_queue=queues.SPINE, activities=[EventActivities(deps.engine).append_events])

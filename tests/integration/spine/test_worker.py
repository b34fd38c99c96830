"""The spine's worker runs registered bundles on a test's own queue; the append activity is idempotent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import workflow
from temporalio.client import Client

from activities.events import EventActivities
from domain.events import AppendEvents, NewEvent
from infra.db.event_store import EventStore
from infra.settings import Settings
from infra.temporal import queues
from workers.bundle import WorkerBundle, WorkerDeps
from workers.spine import spine_bundle

pytestmark = pytest.mark.integration


@workflow.defn
class AppendTwiceWorkflow:
    @workflow.run
    async def run(self, command: AppendEvents) -> int:
        first = await workflow.execute_activity_method(
            EventActivities.append_events, command, start_to_close_timeout=timedelta(seconds=10)
        )
        # A retried activity whose first attempt committed must not append again.
        again = await workflow.execute_activity_method(
            EventActivities.append_events, command, start_to_close_timeout=timedelta(seconds=10)
        )
        assert first == again
        return again


def append_twice_bundle(deps: WorkerDeps) -> WorkerBundle:
    return WorkerBundle(task_queue=queues.SPINE, workflows=[AppendTwiceWorkflow])


async def test_append_activity_is_idempotent_with_expected_version(
    worker, settings: Settings, temporal_client: Client, engine: AsyncEngine
) -> None:
    command = AppendEvents(
        stream="wf:1",
        events=[NewEvent(type="x", payload={"a": 1}, occurred_at=datetime.now(UTC))],
        expected_version=0,
    )
    async with worker(spine_bundle, append_twice_bundle):
        result = await temporal_client.execute_workflow(
            AppendTwiceWorkflow.run, command, id=f"wf-{uuid.uuid4()}", task_queue=settings.queue(queues.SPINE)
        )
    assert result == 1
    assert len(await EventStore(engine).read("wf:1")) == 1

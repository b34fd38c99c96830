"""Where the event buffer delivers: the call's stream in Postgres and its CallWorkflow in Temporal."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.events import NewEvent, stream_name
from domain.voice.messages import CallEventIn, CallEventsSignal, CallWorkflowInput, call_workflow_id
from infra.db import event_store
from infra.temporal.client import connect
from infra.temporal.signals import signal_name
from voice_runtime.call_events import AFTER_END, CallEvent
from workflows.call import CallWorkflow


def call_stream(call_sid: str) -> str:
    """The event stream of a call."""
    return stream_name("call", call_sid)


class PostgresDelivery:
    """Appends to `call:<sid>` (tenant-scoped); idempotent by the runtime's per-call sequence."""

    name = "postgres"

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def deliver(self, call_sid: str, tenant_id: str | None, events: Sequence[CallEvent]) -> None:
        stream = call_stream(call_sid)
        async with self._engine.begin() as conn:
            stored = await event_store.stream_version(conn, stream)
            fresh = [e for e in events if e.seq > stored]
            if not fresh:
                return
            new = [NewEvent(type=e.type, payload={**e.payload, "call_seq": e.seq}, occurred_at=e.occurred_at)
                   for e in fresh]
            await event_store.append(conn, stream, new, expected_version=stored,
                                     tenant_id=UUID(tenant_id) if tenant_id else None)


class TemporalDelivery:
    """Signal-with-start of the call's CallWorkflow; connects lazily and reconnects after failures."""

    name = "temporal"

    def __init__(self, address: str, namespace: str, task_queue: str, *, connect_timeout: float = 5.0,
                 client: Client | None = None) -> None:
        self.address = address
        self._namespace = namespace
        self._task_queue = task_queue
        self._connect_timeout = connect_timeout
        self._client = client
        self._given = client

    async def _get_client(self) -> Client:
        if self._client is None:
            self._client = await asyncio.wait_for(connect(self.address, self._namespace), self._connect_timeout)
        return self._client

    async def deliver(self, call_sid: str, tenant_id: str | None, events: Sequence[CallEvent]) -> None:
        # The call's workflow completes at `call.ended`; what the call leaves behind after it (its recording's
        # event) is for the call's stream only, so the workflow's count of events stays the call's.
        events = [e for e in events if e.type not in AFTER_END]
        if not events:
            return
        client = await self._get_client()
        batch = CallEventsSignal(events=[CallEventIn(seq=e.seq, type=e.type, payload=e.payload,
                                                     occurred_at=e.occurred_at) for e in events])
        try:
            await client.start_workflow(
                CallWorkflow.run,
                CallWorkflowInput(call_sid=call_sid, tenant_id=tenant_id),
                id=call_workflow_id(call_sid),
                task_queue=self._task_queue,
                start_signal=signal_name(CallWorkflow.add_events),
                start_signal_args=[batch],
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            return  # the workflow already completed with every event: this batch is a duplicate
        except Exception:
            self._client = self._given  # reconnect on the next attempt
            raise

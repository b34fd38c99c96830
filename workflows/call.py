"""CallWorkflow: one per phone call, fed by the voice worker's signals (signal-with-start).

The voice loop never waits on Temporal: its event buffer signals batches of the call's events when
Temporal is reachable. The workflow keeps them by sequence number (duplicates from retried
deliveries are harmless), completes once `call.ended` and every event before it have arrived, and
returns the call's summary. A complete call starts its CallFollowUpWorkflow (deliveries, cost) on the integrations
task queue and does not wait for it: nothing after the call can hold the call's workflow up.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain.integrations.messages import PlanDeliveries, follow_up_workflow_id
    from domain.integrations.triggers import relevant
    from domain.voice.messages import CallEventIn, CallEventsSignal, CallSummary, CallWorkflowInput
    from domain.voice.recorded import captured_from
    from infra.temporal import queues
    from workflows.call_followup import CallFollowUpWorkflow


def summarize_call(inp: CallWorkflowInput, events: list[CallEventIn], complete: bool) -> CallSummary:
    """Pure: the summary of a call from its ordered events (captured values by objective id, with their kind)."""
    summary = CallSummary(call_sid=inp.call_sid, tenant_id=inp.tenant_id, complete=complete, events=len(events),
                          captured=captured_from(events))
    for event in events:
        if event.type.startswith("transfer.") and event.type != "transfer.requested":
            summary.transfers.append({"type": event.type, **event.payload})
        elif event.type == "barge_in":
            summary.barge_ins += 1
        elif event.type == "call.ended":
            summary.end_reason = str(event.payload.get("reason"))
    return summary


def is_complete(events: dict[int, CallEventIn]) -> bool:
    """Pure: `call.ended` arrived and no event before it is missing."""
    ended = [seq for seq, e in events.items() if e.type == "call.ended"]
    return bool(ended) and all(seq in events for seq in range(1, max(ended) + 1))


@workflow.defn
class CallWorkflow:
    def __init__(self) -> None:
        self._events: dict[int, CallEventIn] = {}

    @workflow.signal
    def add_events(self, batch: CallEventsSignal) -> None:
        for event in batch.events:
            self._events.setdefault(event.seq, event)

    @workflow.query
    def received(self) -> int:
        return len(self._events)

    @workflow.run
    async def run(self, inp: CallWorkflowInput) -> CallSummary:
        try:
            await workflow.wait_condition(lambda: is_complete(self._events),
                                          timeout=timedelta(seconds=inp.max_wait_seconds))
        except TimeoutError:
            pass
        ordered = [self._events[seq] for seq in sorted(self._events)]
        complete = is_complete(self._events)
        if complete:
            await self._follow_up(inp, ordered)
        return summarize_call(inp, ordered, complete)

    async def _follow_up(self, inp: CallWorkflowInput, ordered: list[CallEventIn]) -> None:
        queue = queues.sibling(workflow.info().task_queue, queues.VOICE, queues.INTEGRATIONS)
        try:
            await workflow.start_child_workflow(
                CallFollowUpWorkflow.run, PlanDeliveries(call_sid=inp.call_sid, tenant_id=inp.tenant_id,
                                                         events=relevant(ordered)),
                id=follow_up_workflow_id(inp.call_sid), task_queue=queue,
                parent_close_policy=ParentClosePolicy.ABANDON)
        except WorkflowAlreadyStartedError:
            pass  # started by an earlier run of this call's workflow

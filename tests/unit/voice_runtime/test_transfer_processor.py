"""The transfer processor: a transfer ends our side of the call; a failed one goes back to the dialogue."""

from __future__ import annotations

import asyncio

from voice_runtime.frames import HangupFrame, SpeakFrame, StartFrame, TransferFrame, TransferResultFrame
from voice_runtime.processors.transfer import TransferProcessor
from voice_runtime.transfer import LocalTransfer

from .harness import Harness, make_ctx, run_test

TARGET = "+61298765000"
START = StartFrame(call_sid="CA1", stream_sid="MZ1", caller="+61400000001", called="+61298765432")


async def transfer(port: LocalTransfer, **config: object) -> Harness:
    ctx, clock = make_ctx(**config)
    ctx.business_name = "Acme Plumbing"
    processor, h = TransferProcessor(ctx, port), Harness(ctx, clock)
    await run_test([processor], [START, SpeakFrame("hello", 1), TransferFrame(TARGET)], harness=h)
    for _ in range(5):
        await asyncio.sleep(0)
    await processor.cleanup()
    return h


async def test_a_cold_transfer_dials_the_target_and_ends_our_side() -> None:
    port = LocalTransfer()
    h = await transfer(port)
    assert port.requests == [("CAtest", TARGET, f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial>{TARGET}"
                                                "</Dial></Response>")]
    assert [type(f) for f in h.down] == [StartFrame, SpeakFrame, HangupFrame]
    assert isinstance(h.down[-1], HangupFrame) and h.down[-1].reason == "transferred"
    assert [e.type for e in h.ctx.events.events] == ["transfer.requested", "transfer.completed"]


async def test_a_warm_transfer_briefs_the_target_with_who_is_waiting() -> None:
    port = LocalTransfer()
    await transfer(port, transfer_mode="warm")
    (agent_leg, to, whisper), (call_sid, _, join) = port.requests
    assert (agent_leg, to, call_sid) == ("new:+61298765432", TARGET, "CAtest")
    assert "Transfer from the Acme Plumbing voice agent: a caller on +61400000001 asked for a person." in whisper
    assert "revos-CAtest" in join


async def test_a_failed_transfer_goes_back_upstream_and_the_call_goes_on() -> None:
    h = await transfer(LocalTransfer(unreachable={TARGET}))
    (result,) = h.up
    assert isinstance(result, TransferResultFrame) and not result.ok and result.error == f"{TARGET} is unreachable"
    assert not any(isinstance(f, HangupFrame) for f in h.down)
    failed = h.types("transfer.failed")[0].payload
    assert failed == {**failed, "to": TARGET, "kind": "cold"}

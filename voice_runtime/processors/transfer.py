"""Transfer: moves the live call to a person when the dialogue asks, once the caller has heard what came before.

Cold: the call is redirected to the target. Warm: the target is called first and hears who is waiting (the
whisper), then the caller joins. Success ends our side of the call (`HangupFrame("transferred")`); a failure
goes back upstream to the dialogue (`TransferResultFrame`), which tells the caller and carries on.
"""

from __future__ import annotations

import asyncio

from voice_runtime.context import CallContext
from voice_runtime.frames import (
    CancelFrame,
    Direction,
    EndFrame,
    Frame,
    HangupFrame,
    StartFrame,
    TransferFrame,
    TransferResultFrame,
)
from voice_runtime.processor import FrameProcessor
from voice_runtime.transfer import TransferPort, TransferResult


class TransferProcessor(FrameProcessor):
    """Runs each transfer in its own task (the telephony API is slow); everything else passes on."""

    def __init__(self, ctx: CallContext, port: TransferPort) -> None:
        super().__init__()
        self._ctx = ctx
        self._port = port
        self._start: StartFrame | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Start a transfer for a `TransferFrame`; pass everything else on."""
        if isinstance(frame, TransferFrame) and direction is Direction.DOWNSTREAM:
            task = asyncio.create_task(self._transfer(frame.to), name="transfer")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        if isinstance(frame, StartFrame):
            self._start = frame
        elif isinstance(frame, EndFrame | CancelFrame):
            await self.cleanup()
        await self.push_frame(frame, direction)

    async def _transfer(self, to: str) -> None:
        kind = self._ctx.config.transfer_mode
        self._ctx.events.emit("transfer.requested", to=to, kind=kind)
        result = await self._request(kind, to)
        if result.ok:
            self._ctx.events.emit("transfer.completed", to=to, kind=kind)
            await self.push_frame(HangupFrame(reason="transferred"))
            return
        self._ctx.events.emit("transfer.failed", to=to, kind=kind, error=result.error)
        await self.push_frame(TransferResultFrame(to=to, ok=False, error=result.error), Direction.UPSTREAM)

    async def _request(self, kind: str, to: str) -> TransferResult:
        call_sid = self._ctx.events.call_sid
        if kind == "warm":
            called = self._start.called if self._start is not None else ""
            return await self._port.warm_transfer(call_sid, to, whisper=self.whisper(), caller_id=called)
        return await self._port.cold_transfer(call_sid, to)

    def whisper(self) -> str:
        """What the person taking a warm transfer hears before the caller joins."""
        business = f" {self._ctx.business_name}" if self._ctx.business_name else ""
        caller = (self._start.caller if self._start is not None else "") or "an unknown number"
        return f"Transfer from the{business} voice agent: a caller on {caller} asked for a person."

    async def cleanup(self) -> None:
        """Stop any transfer still waiting on the telephony API (the call is over)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

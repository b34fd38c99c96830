"""Processors: small steps that each handle a frame and push frames on (pipecat style).

A pipeline links processors in a chain. `push_frame` hands a frame straight to the neighbour in the
given direction (no per-processor queue: the loop is one event loop and nothing in it waits on
anything slow; long work such as recognition or synthesis runs in the processor's own task and
pushes its results into the chain). A processor that holds frames for its own task keeps them in a
`FrameQueue`, which is where the frame tiers take effect. An exception in a processor becomes an
`ErrorFrame` pushed upstream, so errors travel as frames and the call goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from voice_runtime.frames import DataFrame, Direction, ErrorFrame, Frame, SystemFrame

log = logging.getLogger(__name__)

FrameHandler = Callable[[Frame, Direction], Awaitable[None]]


class FrameProcessor:
    """One step of the pipeline; subclasses override `process_frame`."""

    def __init__(self) -> None:
        self._next: FrameProcessor | None = None
        self._prev: FrameProcessor | None = None
        self._edge_down: FrameHandler | None = None
        self._edge_up: FrameHandler | None = None

    @property
    def name(self) -> str:
        """The processor's class name, used in errors."""
        return type(self).__name__

    def link(self, nxt: FrameProcessor) -> None:
        """Make `nxt` the downstream neighbour."""
        self._next = nxt
        nxt._prev = self

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Handle one frame; the default passes it on."""
        await self.push_frame(frame, direction)

    async def push_frame(self, frame: Frame, direction: Direction = Direction.DOWNSTREAM) -> None:
        """Give `frame` to the neighbour in `direction` (or to the pipeline's edge)."""
        target = self._next if direction is Direction.DOWNSTREAM else self._prev
        if target is None:
            edge = self._edge_down if direction is Direction.DOWNSTREAM else self._edge_up
            if edge is not None:
                await edge(frame, direction)
            return
        try:
            await target.process_frame(frame, direction)
        except Exception as exc:  # errors travel as frames; the call goes on
            if isinstance(frame, ErrorFrame):
                log.exception("error while handling an error frame in %s", target.name)
                return
            log.exception("processor %s failed on %s", target.name, type(frame).__name__)
            await target.push_frame(ErrorFrame(error=repr(exc), processor=target.name), Direction.UPSTREAM)

    async def cleanup(self) -> None:
        """Release resources (tasks, engine sessions) when the call ends."""


class Pipeline:
    """A chain of processors with edge handlers for frames that leave either end."""

    def __init__(
        self,
        processors: Sequence[FrameProcessor],
        *,
        on_downstream: FrameHandler | None = None,
        on_upstream: FrameHandler | None = None,
    ) -> None:
        if not processors:
            raise ValueError("a pipeline needs at least one processor")
        self.processors = list(processors)
        for a, b in zip(self.processors, self.processors[1:], strict=False):
            a.link(b)
        self.processors[0]._edge_up = on_upstream or _drop
        self.processors[-1]._edge_down = on_downstream or _drop

    async def queue_frame(self, frame: Frame) -> None:
        """Feed a frame into the head of the pipeline (downstream)."""
        head = self.processors[0]
        try:
            await head.process_frame(frame, Direction.DOWNSTREAM)
        except Exception as exc:
            log.exception("processor %s failed on %s", head.name, type(frame).__name__)
            await head.push_frame(ErrorFrame(error=repr(exc), processor=head.name), Direction.UPSTREAM)

    async def cleanup(self) -> None:
        """Clean up every processor, even if one fails."""
        for processor in self.processors:
            try:
                await processor.cleanup()
            except Exception:
                log.exception("cleanup of %s failed", processor.name)


async def _drop(frame: Frame, direction: Direction) -> None:
    return None


class FrameQueue:
    """Frames a processor holds for its own task: system frames first, then the others in order.

    A system frame never waits behind held frames. `interrupt` drops the held data frames (audio,
    speech, marks) and keeps the control frames in their place (a hangup still follows what was
    played before it). One task takes from it (the processor's own).
    """

    def __init__(self) -> None:
        self._system: deque[Frame] = deque()
        self._ordered: deque[Frame] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._system) + len(self._ordered)

    def put(self, frame: Frame) -> None:
        """Hold `frame`: a system frame goes ahead of everything held, any other behind it."""
        (self._system if isinstance(frame, SystemFrame) else self._ordered).append(frame)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Frame:
        """The next frame, waiting for one if none is held."""
        while not (self._system or self._ordered):
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return (self._system or self._ordered).popleft()

    def interrupt(self) -> int:
        """Drop the held data frames; control frames keep their place. Returns how many were dropped."""
        kept = deque(frame for frame in self._ordered if not isinstance(frame, DataFrame))
        dropped = len(self._ordered) - len(kept)
        self._ordered = kept
        return dropped

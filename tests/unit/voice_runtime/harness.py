"""A run_test harness (pipecat style): push frames through processors, collect what leaves each end."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from voice_runtime.call_events import CallEvent, CallEventLog
from voice_runtime.context import CallContext, VoiceConfig
from voice_runtime.frames import Direction, Frame
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.processor import FrameProcessor, Pipeline


class ListSink:
    def __init__(self) -> None:
        self.events: list[CallEvent] = []

    def offer(self, event: CallEvent) -> None:
        self.events.append(event)


@dataclass
class FakeClock:
    t: float = 0.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Harness:
    ctx: CallContext
    clock: FakeClock
    down: list[Frame] = field(default_factory=list)
    up: list[Frame] = field(default_factory=list)

    def types(self, type_: str) -> list[CallEvent]:
        return self.ctx.events.of_type(type_)


def make_ctx(**config: object) -> tuple[CallContext, FakeClock]:
    clock = FakeClock()
    log = CallEventLog(ListSink())
    log.bind("CAtest", None)
    return CallContext(config=VoiceConfig(**config), events=log, metrics=VoiceMetrics(), now=clock), clock  # type: ignore[arg-type]


async def run_test(processors: Sequence[FrameProcessor], frames: Sequence[Frame], *, harness: Harness,
                   settle: float = 0.0) -> Harness:
    """Queue `frames` in order; frames leaving the pipeline are appended to harness.down / harness.up."""

    async def down(frame: Frame, direction: Direction) -> None:
        harness.down.append(frame)

    async def up(frame: Frame, direction: Direction) -> None:
        harness.up.append(frame)

    pipeline = Pipeline(processors, on_downstream=down, on_upstream=up)
    for frame in frames:
        await pipeline.queue_frame(frame)
    if settle:
        await asyncio.sleep(settle)
    return harness

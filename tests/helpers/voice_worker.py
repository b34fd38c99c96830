"""The live voice worker the voice runtime tests and the loop benchmark run: ports, the running worker, its events."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.event_store import EventStore
from tests.helpers import polling
from voice_runtime.call_events import AFTER_END
from voice_runtime.testing.sim_caller import SimCaller, dial
from voice_runtime.tts.base import TextToSpeech
from workers.voice import VoiceRuntime

NUMBER = "+61298765432"
ESCALATION = "+61298765000"
# Shorter turn-taking than production, so the call tests run quickly; the reprompt stays out of their way.
FAST = {"voice_end_of_turn_silence_ms": 400, "voice_reprompt_after_seconds": 20.0, "voice_stt_final_timeout_ms": 800}


@dataclass
class RunningVoice:
    base_url: str
    runtime: VoiceRuntime

    async def place_call(self, tts: TextToSpeech | None, *, to: str = NUMBER, caller: str = "+61400000001",
                         audio: dict[str, bytes] | None = None) -> SimCaller:
        """What Twilio does: POST the webhook, then open the <Stream> it names with its parameters."""
        return await dial(self.base_url, to, tts, caller=caller, audio=audio)


VoiceFactory = Callable[..., AbstractAsyncContextManager[RunningVoice]]


async def stored_events(engine: AsyncEngine, call_sid: str, *, until: str = "call.ended",
                        timeout: float = 10.0) -> list[Any]:
    """The call's stream in Postgres once `until` has arrived (or, after `timeout`, whatever is there)."""
    store = EventStore(engine)

    async def read() -> list[Any]:
        return await store.read(f"call:{call_sid}")

    try:
        return await polling.until(read, accept=lambda events: any(e.type == until for e in events),
                                   timeout=timeout, every=0.1)
    except AssertionError:
        return await read()


def during_call(events: list[Any]) -> list[Any]:
    """The call's events up to `call.ended` (without what it leaves behind: its recording's event)."""
    return [e for e in events if e.type not in AFTER_END]

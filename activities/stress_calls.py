"""Stress calls: one persona's call through the real voice worker, placed as a smoke call is, judged from its events.

The call is placed like a smoke call (activities/smoke_calls.py: the webhook with a signed grant for the version
and business state, then Media Streams), by the same simulated caller; the persona (domain/stress/caller.py)
decides each move from the call's events, and speaks with piper with its noise on (a fast one for the fast talker,
a noisy line at 10 dB SNR for the noisy one); the DTMF caller presses keys. The verdict is `domain.stress.judge`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.smoke_calls import MAX_LINES, SmokeDialer
from domain.events import RecordedEvent, stream_name
from domain.objectives import ObjectiveGraph
from domain.onboarding.events import EventView
from domain.onboarding.smoke import Reply
from domain.stress import CallerPlan, CallVerdict, Observed, Traits, expectation, judge, move, traits
from domain.stress.messages import StressCall
from infra.db.event_store import EventStore
from voice_runtime.testing.phone_line import NoisyVoice
from voice_runtime.testing.sim_caller import (
    Decide,
    Hangup,
    Interrupt,
    Pause,
    Press,
    Say,
    SimCaller,
    Step,
    WaitForAgent,
    WaitForAgentSpeech,
)
from voice_runtime.testing.stress_callers import draw_plan
from voice_runtime.tts.base import TextToSpeech

FRESH_WAIT = 1.5  # how long the caller waits for the store to hold what it just heard


@dataclass
class StressCallRecord:
    """A stress call in full: its verdict, plan, events and the caller leg as the worker received it (mu-law)."""

    verdict: CallVerdict
    plan: CallerPlan
    events: list[RecordedEvent]
    caller_audio: bytes


class CallerVoices:
    """The personas' voices, made on first use and shared by every call, with the lines each has rendered."""

    def __init__(self, normal: TextToSpeech | None = None) -> None:
        self._voices: dict[tuple[float, float | None], TextToSpeech] = {}
        if normal is not None:
            self._voices[(1.0, None)] = normal
        self._rendered: dict[tuple[float, float | None], dict[str, bytes]] = {}
        self._lock = asyncio.Lock()

    async def voice(self, how: Traits) -> TextToSpeech:
        """The voice for these traits: piper with its noise on, at the persona's rate, on its line."""
        async with self._lock:
            return await self._voice(how)

    async def _voice(self, how: Traits) -> TextToSpeech:
        key = (how.length_scale, how.snr_db)
        if key not in self._voices:
            if how.snr_db is not None:
                line = NoisyVoice(await self._voice(how.model_copy(update={"snr_db": None})), how.snr_db)
                await line.warm_up()
                self._voices[key] = line
            else:
                from voice_runtime.tts.piper_tts import PiperTts

                self._voices[key] = PiperTts(length_scale=how.length_scale if how.length_scale != 1.0 else None)
        return self._voices[key]

    @staticmethod
    def idle(voice: TextToSpeech) -> bytes | None:
        """The hiss a noisy line carries between lines (None: digital silence)."""
        return voice.idle if isinstance(voice, NoisyVoice) else None

    def lines(self, how: Traits) -> dict[str, bytes]:
        """The lines already rendered in this voice."""
        return self._rendered.setdefault((how.length_scale, how.snr_db), {})

    def close(self) -> None:
        """Stop the voices' inference threads."""
        for voice in self._voices.values():
            closing = getattr(voice, "close", None)
            if closing is not None:
                closing()


class StressDialer:
    """Places and judges persona calls (the smoke dialer's webhook, grant and caller)."""

    def __init__(self, engine: AsyncEngine, smoke: SmokeDialer, voices: CallerVoices | None = None) -> None:
        self._engine = engine
        self._smoke = smoke
        self.voices = voices or CallerVoices()

    async def run(self, call: StressCall, graph: ObjectiveGraph, *, max_seconds: float) -> CallVerdict:
        """Place the persona's call and judge it."""
        return (await self.record(call, graph, max_seconds=max_seconds)).verdict

    async def record(self, call: StressCall, graph: ObjectiveGraph, *, max_seconds: float) -> StressCallRecord:
        """Place the persona's call; its verdict with everything needed to keep it as a fixture."""
        zone = ZoneInfo(graph.business.timezone) if graph.business is not None else None
        plan = draw_plan(call.persona, graph, business_open=call.business_open, seed=call.seed,
                         now=datetime.now(zone))
        how = traits(call.persona)
        voice = await self.voices.voice(how)
        began = time.monotonic()
        grant = self._smoke.sign_grant(call.tenant_id, call.version, call.business_open)
        caller = await self._smoke.dial(call.number, grant, voice=voice, audio=self.voices.lines(how),
                                        idle=self.voices.idle(voice))
        recorded = await self._talk(caller, graph, plan, how, max_seconds)
        events: list[EventView] = [(e.type, e.payload) for e in recorded]
        report = caller.report
        observed = Observed(seconds=round(time.monotonic() - began, 1), timed_out=report.timed_out,
                            barged=report.barged, late_frames=report.late_frames, hung_up=report.hung_up,
                            closed_by_agent=report.closed_by_agent and not report.hung_up)
        verdict = judge(graph, expectation(graph, plan), events, observed, version=call.version,
                        call_sid=caller.call_sid, seed=call.seed)
        return StressCallRecord(verdict=verdict, plan=plan, events=recorded, caller_audio=bytes(caller.sent))

    async def _talk(self, caller: SimCaller, graph: ObjectiveGraph, plan: CallerPlan, how: Traits,
                    max_seconds: float) -> list[RecordedEvent]:
        store = EventStore(self._engine)
        stream = stream_name("call", caller.call_sid)
        said = [0]
        listen: Step = WaitForAgentSpeech() if how.listening == "barges" else WaitForAgent(
            quiet=0.25 if how.listening == "quick" else 0.6)

        async def decide() -> Sequence[Step]:
            events = await self._fresh(store, stream, len(caller.report.agent_audio_starts))
            reply = move(graph, plan, events)
            if reply.done:
                return [Pause(15.0)]  # the agent closes the line after its goodbye (or the transfer)
            if reply.hangup or said[0] >= MAX_LINES:
                return [Hangup()]
            if reply.say is None and reply.press is None:
                return [Pause(0.5), Decide(decide)]
            said[0] += 1
            return [*_speak(reply), listen, Decide(decide)]

        await caller.run([listen, Decide(decide)], max_seconds=max_seconds)
        await SmokeDialer.ended_events(store, stream)
        return await store.read(stream)

    @staticmethod
    async def _fresh(store: EventStore, stream: str, heard: int) -> list[EventView]:
        """The call's events once they hold an utterance for each the caller heard (the store lags the line)."""
        deadline = time.monotonic() + FRESH_WAIT
        while True:
            events: list[EventView] = [(e.type, e.payload) for e in await store.read(stream)]
            spoken = sum(kind == "agent.utterance.started" for kind, _ in events)
            if spoken >= heard or time.monotonic() > deadline:
                return events
            await asyncio.sleep(0.05)


def _speak(reply: Reply) -> list[Step]:
    if reply.press is not None:
        return [Press(reply.press)]
    assert reply.say is not None
    return [Interrupt(reply.say, after=0.6, timeout=8.0, else_say=True)] if reply.barge else [Say(reply.say)]

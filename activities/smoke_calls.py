"""Smoke calls: one scripted call per covering path through the real voice worker, checked from its events.

Each call is placed the way Twilio places one (the webhook, then the Media Streams socket), with a smoke grant
signed by the server secret that pins the version under test and the business state the path needs; the
caller speaks with piper (the same words are the same audio) and the worker hears it through its own STT.
The caller reacts to the Voice Core's events after each agent turn (domain/onboarding/smoke.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import stream_name
from domain.objectives import ObjectiveGraph
from domain.onboarding.events import EventView, transcript
from domain.onboarding.messages import SmokeCall, SmokeCallResult
from domain.onboarding.smoke import describe, reply, verdict
from domain.voice.stream_token import SmokeGrant, sign
from infra.db.event_store import EventStore
from infra.settings import Settings
from infra.stream_secret import stream_secret
from voice_runtime.testing.sim_caller import Decide, Hangup, Pause, Say, SimCaller, Step, WaitForAgent, dial
from voice_runtime.tts.base import TextToSpeech

SMOKE_CALLER = "+61491570006"  # a number reserved for fiction: no real caller has it
SMOKE_HEADER = "X-Revos-Smoke"
MAX_LINES = 40  # a caller who has said this much is in a loop: hang up and let the verdict say so
GRANT_SECONDS = 60.0


def voice_url(settings: Settings) -> str:
    """Where smoke and stress calls dial the voice worker (default voice_host:voice_port)."""
    return (settings.onboarding_voice_url or f"http://{settings.voice_host}:{settings.voice_port}").rstrip("/")


class SmokeDialer:
    """Places and checks smoke calls; the caller's voice and its rendered lines are shared by every call."""

    def __init__(self, engine: AsyncEngine, settings: Settings, voice: TextToSpeech | None = None) -> None:
        self._engine = engine
        self._settings = settings
        self._voice = voice
        self._audio: dict[str, bytes] = {}
        self._secret = stream_secret(settings)

    def voice(self) -> TextToSpeech:
        """The simulated caller's voice (piper without its noise: repeatable audio), loaded on first use."""
        if self._voice is None:
            from voice_runtime.tts.piper_tts import PiperTts

            self._voice = PiperTts(noise=(0.0, 0.0))
        return self._voice

    def base_url(self) -> str:
        """Where the calls dial the voice worker."""
        return voice_url(self._settings)

    def grant(self, call: SmokeCall) -> str:
        """The signed grant that makes the worker run this call on the version under test, open or closed."""
        return self.sign_grant(call.tenant_id, call.version, call.path.business_open)

    def sign_grant(self, tenant_id: UUID, version: int, business_open: bool) -> str:
        """A grant for one call on `version` of the tenant's configuration, in that business state."""
        grant = SmokeGrant(tenant_id=str(tenant_id), config_version=version,
                           business="open" if business_open else "closed",
                           expires_at=time.time() + GRANT_SECONDS, nonce=uuid.uuid4().hex)
        return sign(grant, self._secret)

    async def dial(self, number: str, grant: str | None, *, voice: TextToSpeech | None = None,
                   audio: dict[str, bytes] | None = None, idle: bytes | None = None) -> SimCaller:
        """The webhook (with the grant, if any) and the stream it names, as Twilio would reach them; `voice`,
        `audio` (its rendered lines) and `idle` (the line's hiss) are the stress personas', else the smoke caller's.
        """
        s, base = self._settings, self.base_url()
        token = s.twilio_auth_token.get_secret_value() if s.twilio_auth_token else None
        signed = s.public_base_url.rstrip("/") + "/twilio/voice" if s.public_base_url else None
        return await dial(base, number, voice or self.voice(), caller=SMOKE_CALLER,
                          audio=self._audio if audio is None else audio, idle=idle,
                          headers={SMOKE_HEADER: grant} if grant else None, twilio_auth_token=token,
                          signed_url=signed, reach_stream_at=base.replace("http", "ws", 1))

    async def run(self, call: SmokeCall, graph: ObjectiveGraph, *, max_seconds: float) -> SmokeCallResult:
        """Place the smoke call, follow the path, and check what the call's events recorded."""
        began = time.monotonic()
        caller = await self.dial(call.number, self.grant(call))
        return await self.follow(caller, call, graph, max_seconds=max_seconds, began=began)

    async def follow(self, caller: SimCaller, call: SmokeCall, graph: ObjectiveGraph, *, max_seconds: float,
                     began: float) -> SmokeCallResult:
        """Talk the path through with the Voice Core, then judge the call by its events."""
        stream = stream_name("call", caller.call_sid)
        store = EventStore(self._engine)
        said = [0]

        async def decide() -> Sequence[Step]:
            events: list[EventView] = [(e.type, e.payload) for e in await store.read(stream)]
            move = reply(graph, call.path, events)
            if move.done:
                return [Pause(15.0)]  # the agent closes the line after its goodbye
            if move.say is None:
                return [Pause(0.5), Decide(decide)]
            said[0] += 1
            if said[0] > MAX_LINES:
                return [Hangup()]
            return [Say(move.say), WaitForAgent(), Decide(decide)]

        report = await caller.run([WaitForAgent(), Decide(decide)], max_seconds=max_seconds)
        events = await self.ended_events(store, stream)
        checked = verdict(graph, call.path, call.version, events)
        waits = [f"caller: no answer from the agent ({t})" for t in report.timed_out[:3]]
        return SmokeCallResult(index=call.index, business_open=call.path.business_open, call_sid=caller.call_sid,
                               stream=stream, expected=list(call.path.outcomes), actual=checked.actual,
                               expected_terminal=describe(call.path.terminal) or "",
                               actual_terminal=checked.actual_terminal, problems=checked.problems,
                               transcript=transcript(events) + waits, seconds=round(time.monotonic() - began, 1))

    @staticmethod
    async def ended_events(store: EventStore, stream: str, timeout: float = 10.0) -> list[EventView]:
        """The call's events once `call.ended` is stored (or, after `timeout`, whatever is there)."""
        deadline = time.monotonic() + timeout
        while True:
            events: list[EventView] = [(e.type, e.payload) for e in await store.read(stream)]
            if any(kind == "call.ended" for kind, _ in events) or time.monotonic() > deadline:
                return events
            await asyncio.sleep(0.1)

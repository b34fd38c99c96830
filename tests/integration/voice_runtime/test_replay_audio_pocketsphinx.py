"""`revos replay --audio` with a real recogniser: a call placed with piper's voice and heard live by pocketsphinx
(grammar per capture kind, from the dialogue's hints) is heard again from its recording by the deployment's STT
(pocketsphinx, built from the settings), faster than real time, each session switched in at the caller frame the
call's did (`stt.session_opened.at_frame`).

What holds: the replay repeats itself and confirms the same details. What does not, measured: pocketsphinx
sometimes hears a "yes" as "yeah" or "yep" differently from the live call on the same audio and the same session
boundaries (its decoders are reused across sessions in worker processes, and its finals arrive asynchronously), so
the report is `diverged` on those turns and says so turn by turn.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.call_replay import CallReplayer
from domain.tenants import Tenant
from infra.db.replay_sources import PostgresReplaySources
from infra.settings import Settings
from tests.helpers.voice_worker import FAST, VoiceFactory, stored_events
from voice_runtime.testing.sim_caller import Say, Step, WaitForAgent
from voice_runtime.tts.piper_tts import PiperTts
from workers.replay_audio import describe_audio, replay_audio

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LINES = ["my name is mary brown", "yes", "zero four one two three four five six seven eight", "yes", "yes"]


async def test_a_call_heard_by_pocketsphinx_is_heard_the_same_again(
    voice_worker: VoiceFactory, tenant: Tenant, piper: Any, pocketsphinx: Any, engine: AsyncEngine,
    settings: Settings
) -> None:
    script: list[Step] = [WaitForAgent()]
    for line in LINES:
        script += [Say(line), WaitForAgent()]
    tuning = {**FAST, "voice_end_of_turn_silence_ms": 500}
    async with voice_worker(pocketsphinx, piper, **tuning) as voice:
        caller = await voice.place_call(PiperTts(noise=(0.0, 0.0)))
        await caller.run(script, max_seconds=120)
        await stored_events(engine, caller.call_sid, until="call.recording_stored")
    replayer = CallReplayer(PostgresReplaySources(engine))
    assert (await replayer.replay(caller.call_sid)).identical
    report = await replay_audio(settings.model_copy(update=tuning), replayer, caller.call_sid, None)
    again = await replay_audio(settings.model_copy(update=tuning), replayer, caller.call_sid, None)
    shown = describe_audio(report.model_dump(mode="json"))
    print(shown)
    assert [t.heard for t in again.turns] == [t.heard for t in report.turns], shown  # the replay repeats itself
    assert report.replayed.outcomes == report.recorded.outcomes, shown  # the same details, confirmed the same way
    assert report.replayed.captured == {"name": "Mary Brown", "phone": "+61412345678"}, shown
    assert report.wall_ms < report.audio_ms

"""Barge-in, backchannels, silence reprompts and close, DTMF entry and transfers over the live loop.

The caller's audio and the agent's are real piper audio over Twilio Media Streams; the words come
from ScriptedStt (released by voiced audio), so these tests are about timing and behaviour.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenants import Tenant
from tests.helpers.voice_worker import ESCALATION, FAST, VoiceFactory, during_call, stored_events
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine
from voice_runtime.testing.sim_caller import Hangup, Interrupt, Pause, Press, Say, Step, WaitForAgent
from voice_runtime.transfer import LocalTransfer

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def scripted(*lines: str) -> ScriptedStt:
    return ScriptedStt([ScriptLine(t, 300) for t in lines])


def of(events: list[Any], type_: str) -> list[dict[str, Any]]:
    return [e.payload for e in events if e.type == type_]


async def test_barge_in_clears_playback_and_records_what_was_heard(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with voice_worker(scripted("my name is jane smith"), piper, **FAST, voice_barge_in_min_speech_ms=150) as v:
        caller = await v.place_call(piper)
        report = await caller.run([Interrupt("my name is jane smith", after=1.0), WaitForAgent(), Hangup()])
        events = await stored_events(engine, caller.call_sid)
    assert len(report.clears) == 1, report
    (barge,) = of(events, "barge_in")
    (cut,) = of(events, "agent.utterance.interrupted")
    assert cut["utterance_id"] == 1 and 600 <= cut["heard_ms"] < cut["generated_ms"]
    assert cut["heard_text"] and "name" not in cut["heard_text"]  # the question was never heard
    assert 1 not in [p["utterance_id"] for p in of(events, "agent.utterance.finished")]
    assert barge["reaction_ms"] < 1000
    clear = report.clears[0]
    replies = [t for t in report.agent_audio_starts if t > clear]
    assert replies, "the agent answered the interrupting turn"
    stray = [t for t in report.agent_frame_times if clear + 0.05 < t < replies[0]]
    assert not stray, f"{len(stray)} frames of the interrupted utterance arrived after the clear"
    texts = [p["text"] for p in of(events, "agent.utterance.started")]
    assert texts[1].startswith("Just to confirm, that's Jane Smith")


async def test_short_backchannel_does_not_interrupt(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with voice_worker(scripted("yeah"), piper, **FAST, voice_barge_in_min_speech_ms=700) as v:
        caller = await v.place_call(piper)
        report = await caller.run([Interrupt("yeah", after=0.8), WaitForAgent(), Hangup()])
        events = await stored_events(engine, caller.call_sid)
    # The agent yields at once (one `clear`) and plays on from what was heard: the utterance is finished,
    # never interrupted, and the backchannel is not a turn.
    assert len(report.clears) == 1 and not of(events, "barge_in")
    assert of(events, "caller.backchannel")
    assert [p["utterance_id"] for p in of(events, "agent.utterance.finished")] == [1]
    assert not of(events, "agent.utterance.interrupted")
    assert not of(events, "turn.ended")


async def test_backchannel_without_pausing_never_clears(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    async with voice_worker(scripted("yeah"), piper, **FAST, voice_barge_in_min_speech_ms=700,
                            voice_pause_on_speech=False) as v:
        caller = await v.place_call(piper)
        report = await caller.run([Interrupt("yeah", after=0.8), WaitForAgent(), Hangup()])
        events = await stored_events(engine, caller.call_sid)
    assert not report.clears and not of(events, "barge_in")
    assert [p["utterance_id"] for p in of(events, "agent.utterance.finished")] == [1]


async def test_silence_reprompts_then_closes_politely(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    settings = {**FAST, "voice_reprompt_after_seconds": 1.0, "voice_max_reprompts": 2}
    async with voice_worker(scripted(), piper, **settings) as v:
        caller = await v.place_call(piper)
        report = await caller.run([Pause(40)])
        events = await stored_events(engine, caller.call_sid)
    assert report.closed_by_agent
    assert [p["count"] for p in of(events, "dialogue.silence_reprompt")] == [1, 2]
    assert of(events, "dialogue.ended")[0]["reason"] == "silence"
    assert len(of(events, "caller.silence")) == 3
    last = during_call(events)[-1]
    assert (last.type, last.payload["reason"]) == ("call.ended", "dialogue_complete")


async def test_phone_number_by_dtmf(voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine) -> None:
    script: list[Step] = [WaitForAgent(), Say("my name is jane smith"), WaitForAgent(), Say("yes"), WaitForAgent(),
              Press("0412345678#"), WaitForAgent(), Say("yes"), WaitForAgent(), Say("yes"), WaitForAgent()]
    async with voice_worker(scripted("my name is jane smith", "yes", "yes", "yes"), piper, **FAST) as v:
        caller = await v.place_call(piper)
        report = await caller.run(script)
        events = await stored_events(engine, caller.call_sid)
    assert report.closed_by_agent and not report.timed_out
    assert "".join(p["digit"] for p in of(events, "dtmf")) == "0412345678#"
    assert [p["dtmf"] for p in of(events, "turn.ended")][2] == "0412345678"
    assert {p["kind"]: p["value"] for p in of(events, "capture.confirmed")}["phone"] == "+61412345678"


async def test_failed_transfer_is_told_recorded_and_the_call_goes_on(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    transfer = LocalTransfer(unreachable={ESCALATION})
    script: list[Step] = [WaitForAgent(), Say("can i speak to a real person"), WaitForAgent(quiet=1.0),
              Say("my name is jane smith"), WaitForAgent(), Hangup()]
    stt = scripted("can i speak to a real person", "my name is jane smith")
    async with voice_worker(stt, piper, transfer=transfer, **FAST) as v:
        caller = await v.place_call(piper)
        report = await caller.run(script)
        events = await stored_events(engine, caller.call_sid)
    types = [e.type for e in events]
    assert transfer.requests and transfer.requests[0][:2] == (caller.call_sid, ESCALATION)
    assert "<Dial>" + ESCALATION + "</Dial>" in transfer.requests[0][2]
    assert types.index("transfer.requested") < types.index("transfer.failed") < types.index("dialogue.transfer_failed")
    assert of(events, "transfer.failed")[0]["error"]
    after = [e.payload["text"] for e in events if e.type == "agent.utterance.started"
             and e.seq > types.index("transfer.failed")]
    assert after and "Jane Smith" in after[-1]  # told, and the capture carried on
    assert not report.closed_by_agent and during_call(events)[-1].payload["reason"] == "caller_hangup"


async def test_warm_transfer_briefs_the_target_before_the_caller_joins(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    transfer = LocalTransfer()
    async with voice_worker(scripted("can i speak to a real person"), piper, transfer=transfer,
                            voice_transfer_mode="warm", **FAST) as v:
        caller = await v.place_call(piper)
        report = await caller.run([WaitForAgent(), Say("can i speak to a real person"), Pause(15)])
        events = await stored_events(engine, caller.call_sid)
    assert report.closed_by_agent and during_call(events)[-1].payload["reason"] == "transferred"
    assert of(events, "transfer.completed")[0] == {**of(events, "transfer.completed")[0], "kind": "warm"}
    (agent_leg, to, whisper_twiml), (call_sid, _, join_twiml) = transfer.requests
    assert to == ESCALATION and call_sid == caller.call_sid
    assert "+61400000001 asked for a person" in whisper_twiml and f"revos-{caller.call_sid}" in whisper_twiml
    assert f"revos-{caller.call_sid}" in join_twiml and "<Say" not in join_twiml


async def test_successful_transfer_ends_the_stream(
    voice_worker: VoiceFactory, tenant: Tenant, piper, engine: AsyncEngine
) -> None:
    transfer = LocalTransfer()
    async with voice_worker(scripted("can i speak to a real person"), piper, transfer=transfer, **FAST) as v:
        caller = await v.place_call(piper)
        report = await caller.run([WaitForAgent(), Say("can i speak to a real person"), Pause(15)])
        events = await stored_events(engine, caller.call_sid)
    assert report.closed_by_agent
    assert of(events, "transfer.completed")[0]["to"] == ESCALATION
    assert during_call(events)[-1].payload["reason"] == "transferred"

"""`revos replay --audio`: the recorded caller leg heard again by the deployment's VAD and STT, faster than real
time, on the call's graph (or another version), and compared with the call's turns and decisions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from activities.call_replay import CallReplayer
from domain.objectives import ObjectiveGraph
from domain.replay import ReplayEvent, pinned
from domain.replay.audio import AudioReplayReport, compare_audio, cues
from domain.replay.compare import recorded_result
from infra.recordings.reader import read_recording, stored_recording
from infra.recordings.store import build_store
from infra.recordings.wav import caller_pcm16
from infra.settings import Settings
from voice_runtime.audio_replay import AudioReplay, KeptInLog
from voice_runtime.call_events import CallEventLog
from voice_runtime.codec import pcm16_to_mulaw
from voice_runtime.context import CallContext, VoiceConfig
from voice_runtime.engines.factory import build_stt, build_vad
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.stt.base import SpeechToText


async def hear_again(events: list[ReplayEvent], graph: ObjectiveGraph, caller: tuple[bytes, int],
                     stt: SpeechToText, config: VoiceConfig) -> AudioReplayReport:
    """Re-run a recorded caller leg (PCM16, rate) through the VAD, `stt`, the turn manager and the dialogue."""
    pcm, rate = caller
    if rate != 8000:
        raise ValueError(f"a call recording is 8 kHz, not {rate} Hz")
    started_at = datetime.fromisoformat(str(stored_recording(events)["started_at"]))
    dialogue = next((e.payload for e in events if e.type == "dialogue.started"), {})
    pin = pinned(events)
    ctx = CallContext(config=config, events=CallEventLog(KeptInLog()), metrics=VoiceMetrics(), graph=graph,
                      business_open=pin.business_open, business_name=str(dialogue.get("business_name") or ""),
                      timezone=str(dialogue.get("timezone") or "Australia/Sydney"), tenant_id=pin.tenant_id)
    replay = AudioReplay(ctx, stt, build_vad(config), started_at)
    heard = await replay.run(pcm16_to_mulaw(pcm), cues(events, started_at))
    again = [ReplayEvent(seq=e.seq, type=e.type, payload=e.payload, occurred_at=e.occurred_at) for e in heard.events]
    return compare_audio(events, again, said=heard.said, transfers=heard.transfers, hung_up=heard.hung_up,
                         recorded_result=recorded_result(events), audio_ms=len(pcm) // 16,
                         wall_ms=round(heard.wall_s * 1000))


async def replay_audio(settings: Settings, replayer: CallReplayer, call_sid: str,
                       config_version: int | None) -> AudioReplayReport:
    """Read the call and its recording, build the deployment's STT, hear the call again."""
    events = await replayer.call_events(call_sid)
    if config_version is None:
        graph, _ = await replayer.pinned_graph(events)
    else:
        graph, _ = await replayer.version_graph(pinned(events).tenant_id, config_version)
    recording = await read_recording(build_store(settings), events)
    stt = build_stt(settings)
    warm = getattr(stt, "warm_up", None)
    if warm is not None:
        await warm()
    try:
        return await hear_again(events, graph, caller_pcm16(recording), stt, VoiceConfig.from_settings(settings))
    finally:
        close = getattr(stt, "close", None)
        if close is not None:
            close()


def describe_audio(report: dict[str, Any]) -> str:
    """The audio replay's report as a terminal reads it."""
    r = AudioReplayReport.model_validate(report)
    speed = r.audio_ms / r.wall_ms if r.wall_ms else float("inf")
    lines = [f"audio: {r.audio_ms / 1000:.1f} s of caller audio heard again in {r.wall_ms / 1000:.1f} s "
             f"({speed:.1f}x real time): {r.verdict}"]
    for turn in r.turns:
        mark = "  " if turn.recorded == turn.heard else "!="
        lines.append(f"  {mark} turn {turn.index + 1}: recorded {turn.recorded!r}, heard {turn.heard!r}")
    if r.divergence is not None:
        lines.append(f"  first decision that differs: #{r.divergence.seq} {r.divergence.event}: "
                     f"expected {r.divergence.expected}, actual {r.divergence.actual}")
    return "\n".join(lines)

"""`--audio`: the caller's recorded audio heard again (VAD, STT, turn-taking, dialogue), compared with the call.

The runtime re-runs the caller leg against the agent's recorded timeline (`cues`: when the agent started and
stopped being heard, the keys pressed, failed transfers); what it heard and decided is compared here with what
the call recorded: the caller's turns one by one, then every decision in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.replay.compare import call_result
from domain.replay.model import CallResult, Divergence, ReplayEvent, is_decision, normalised

FRAME_S = 0.02
CueKind = Literal["bot_started", "bot_stopped", "bot_interrupted", "dtmf", "transfer_failed", "stt_session"]


class Cue(BaseModel):
    """Something on the line other than the caller's voice, at `at` seconds into the recording."""

    model_config = ConfigDict(frozen=True)

    at: float
    kind: CueKind
    value: str = ""
    utterance_id: int = 0


_CUES: dict[str, CueKind] = {"agent.utterance.started": "bot_started", "agent.utterance.finished": "bot_stopped",
                             "agent.utterance.interrupted": "bot_interrupted", "dtmf": "dtmf",
                             "transfer.failed": "transfer_failed", "stt.session_opened": "stt_session"}


def cues(events: Sequence[ReplayEvent], started_at: datetime) -> list[Cue]:
    """The agent's timeline, the keys and the failed transfers of a recorded call, in recording time."""
    out: list[Cue] = []
    for event in events:
        kind = _CUES.get(event.type)
        if kind is None:
            continue
        value = str(event.payload.get("digit") or event.payload.get("to") or event.payload.get("hints") or "")
        at = max(0.0, (event.occurred_at - started_at).total_seconds())
        if kind == "stt_session" and isinstance(event.payload.get("at_frame"), int):
            at = event.payload["at_frame"] * FRAME_S  # exact: the caller frames the STT had seen by then
        out.append(Cue(at=at, kind=kind, value=value, utterance_id=int(event.payload.get("utterance_id") or 0)))
    return sorted(out, key=lambda c: c.at)


class HeardTurn(BaseModel):
    """The caller's n-th turn: as the call heard it and as the replay heard it (None: there was no such turn)."""

    model_config = ConfigDict(frozen=True)

    index: int
    recorded: str | None
    heard: str | None


class AudioReplayReport(BaseModel):
    """`identical` when the audio gives the same turns and the same decisions as the call."""

    model_config = ConfigDict(frozen=True)

    verdict: Literal["identical", "diverged"]
    audio_ms: int
    wall_ms: int
    turns: list[HeardTurn]
    turn_difference: int | None
    divergence: Divergence | None
    recorded: CallResult
    replayed: CallResult

    @property
    def identical(self) -> bool:
        """Same turns, same decisions."""
        return self.verdict == "identical"


def _turns(events: Sequence[ReplayEvent]) -> list[str]:
    return [" ".join(str(e.payload.get(k) or "") for k in ("text", "dtmf")).strip()
            for e in events if e.type == "turn.ended"]


def _first_decision(recorded: Sequence[ReplayEvent], heard: Sequence[ReplayEvent]) -> Divergence | None:
    mine = [e for e in recorded if is_decision(e.type)]
    theirs = [e for e in heard if is_decision(e.type)]
    for i in range(max(len(mine), len(theirs))):
        a = mine[i] if i < len(mine) else None
        b = theirs[i] if i < len(theirs) else None
        if a is not None and b is not None and a.type == b.type and normalised(a.payload) == normalised(b.payload):
            continue
        inputs = sum(1 for e in recorded if e.type == "turn.ended" and a is not None and e.seq < a.seq)
        return Divergence(seq=a.seq if a else None, event=a.type if a else b.type if b else "", check="decision",
                          input=inputs, expected={"type": a.type, "payload": normalised(a.payload)} if a else None,
                          actual={"type": b.type, "payload": normalised(b.payload)} if b else None)
    return None


def compare_audio(recorded: Sequence[ReplayEvent], heard: Sequence[ReplayEvent], *, said: list[str],
                  transfers: list[str], hung_up: bool, recorded_result: CallResult, audio_ms: int,
                  wall_ms: int) -> AudioReplayReport:
    """Compare what the audio replay heard and decided with the recorded call."""
    mine, theirs = _turns(recorded), _turns(heard)
    turns = [HeardTurn(index=i, recorded=mine[i] if i < len(mine) else None,
                       heard=theirs[i] if i < len(theirs) else None) for i in range(max(len(mine), len(theirs)))]
    difference = next((t.index for t in turns if t.recorded != t.heard), None)
    divergence = _first_decision(recorded, heard)
    replayed = call_result([(e.type, e.payload) for e in heard if is_decision(e.type)], said, transfers, hung_up)
    same = difference is None and divergence is None
    return AudioReplayReport(verdict="identical" if same else "diverged", audio_ms=audio_ms, wall_ms=wall_ms,
                             turns=turns, turn_difference=difference, divergence=divergence,
                             recorded=recorded_result, replayed=replayed)

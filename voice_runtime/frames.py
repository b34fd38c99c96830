"""Typed frames that flow through a call's pipeline (pipecat style), in three tiers that behave differently.

A push is a direct call, so a frame waits only where a processor holds frames for later (the TTS's speech
queue, the pacer's audio, the output transport's writes; see `processor.FrameQueue`). There:
- system frames (start, cancel, interruption, playback pause and clear, speaking state, errors) are never
  held behind anything: they are handled at once or go to the front;
- data frames (audio, text, transcripts, marks) wait their turn and are dropped by an interruption;
- control frames (hangup, transfer, end of utterance, STT hints) wait their turn and survive an
  interruption, so a hangup still comes after the audio that was queued before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any


class Direction(Enum):
    """Downstream runs from the caller's audio towards the agent's; upstream runs back."""

    DOWNSTREAM = 1
    UPSTREAM = 2


@dataclass
class Frame:
    """Base of every frame."""


@dataclass
class SystemFrame(Frame):
    """Handled at once, never queued behind data."""


@dataclass
class DataFrame(Frame):
    """Audio, text and transcripts."""


@dataclass
class ControlFrame(Frame):
    """Changes the state of a processor."""


@dataclass
class StartFrame(SystemFrame):
    """The call started (Twilio `start`): ids and custom parameters."""

    call_sid: str
    stream_sid: str
    tenant_id: str | None = None
    caller: str = ""
    called: str = ""
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass
class CancelFrame(SystemFrame):
    """Stop now (the transport closed)."""

    reason: str = "cancelled"


@dataclass
class ErrorFrame(SystemFrame):
    """An error travels as a frame; `fatal` ends the call."""

    error: str
    processor: str = ""
    fatal: bool = False


@dataclass
class InterruptionFrame(SystemFrame):
    """Barge-in: stop generating and playing the agent's audio at once."""

    onset: float = 0.0  # monotonic time of the caller's speech onset


@dataclass
class PausePlaybackFrame(SystemFrame):
    """Caller speech onset while the agent talks: stop what the caller hears now (`clear`), keep the audio."""

    onset: float = 0.0


@dataclass
class ResumePlaybackFrame(SystemFrame):
    """It was a backchannel: play on from what the caller last heard."""


@dataclass
class ClearAudioFrame(SystemFrame):
    """To the output transport: drop the audio the caller has not heard yet (Twilio `clear`), ahead of any."""


@dataclass
class UserStartedSpeakingFrame(SystemFrame):
    """VAD onset; `onset` is the monotonic arrival time of the first voiced frame."""

    onset: float


@dataclass
class UserStoppedSpeakingFrame(SystemFrame):
    """VAD offset; `last_voiced` is the arrival time of the last voiced frame."""

    last_voiced: float
    speech_ms: float


@dataclass
class BotStartedSpeakingFrame(SystemFrame):
    """The first frame of an utterance went out (upstream, from the pacer)."""

    utterance_id: int
    sent_at: float


@dataclass
class BotStoppedSpeakingFrame(SystemFrame):
    """An utterance was fully played (its last mark came back) or interrupted (upstream)."""

    utterance_id: int
    interrupted: bool
    heard_ms: int
    total_ms: int


@dataclass
class InputAudioFrame(DataFrame):
    """20 ms of caller audio as Twilio sent it (mu-law 8 kHz); `arrived` is monotonic time."""

    mulaw: bytes
    arrived: float


@dataclass
class AudioRawFrame(DataFrame):
    """Decoded caller audio: PCM16 at 8 kHz and, resampled, at 16 kHz for STT."""

    pcm8k: bytes
    pcm16k: bytes
    arrived: float
    is_speech: bool = False
    voiced: bool = False  # this frame's own VAD decision (`is_speech` holds through the hang-over)


@dataclass
class InterimTranscriptionFrame(DataFrame):
    """An STT partial."""

    text: str
    received: float


@dataclass
class TranscriptionFrame(DataFrame):
    """An STT final."""

    text: str
    received: float
    confidence: float | None = None


@dataclass
class DtmfFrame(DataFrame):
    """A key the caller pressed."""

    digit: str
    arrived: float


@dataclass
class UserTurnFrame(DataFrame):
    """One finished caller turn: transcript and/or DTMF digits; `occurred_at` is its `turn.ended` event's wall time
    (the dialogue decides at that time, so a replay of the recorded events decides the same).
    """

    text: str
    dtmf: str
    ended_at: float
    last_voiced: float | None
    occurred_at: datetime | None = None


@dataclass
class SpeakFrame(DataFrame):
    """Text the agent says next."""

    text: str
    utterance_id: int
    last_voiced: float | None = None  # the caller's last voiced frame, for voice-to-voice latency


@dataclass
class OutputAudioFrame(DataFrame):
    """Agent audio (mu-law 8 kHz) of one utterance, in chunks of any size."""

    mulaw: bytes
    utterance_id: int


@dataclass
class PacedAudioFrame(DataFrame):
    """20 ms of agent audio from the pacer for the output transport; `deadline` is its monotonic playout time."""

    mulaw: bytes
    deadline: float


@dataclass
class PlayoutMarkFrame(DataFrame):
    """From the pacer to the output transport: ask Twilio to echo `name` once the audio before it has played."""

    name: str


@dataclass
class MarkFrame(DataFrame):
    """Twilio echoed a mark: the caller has heard everything sent before it."""

    name: str


@dataclass
class TtsStartedFrame(ControlFrame):
    """The TTS began an utterance."""

    utterance_id: int
    text: str
    last_voiced: float | None
    requested: float


@dataclass
class TtsStoppedFrame(ControlFrame):
    """The TTS produced the whole utterance."""

    utterance_id: int


@dataclass
class FinalizeSttFrame(ControlFrame):
    """Upstream to STT: the caller's turn is over, flush a final."""


@dataclass
class SttFinalizedFrame(ControlFrame):
    """Downstream from STT: a finalize has been flushed (every final it produced is already out)."""

    received: float


@dataclass
class SttHintsFrame(ControlFrame):
    """Upstream to STT: constrain recognition for what the agent just asked."""

    hints: list[str]


@dataclass
class SilenceFrame(ControlFrame):
    """The caller said nothing for the reprompt window."""


@dataclass
class HangupFrame(ControlFrame):
    """End the call once everything queued before it has been heard."""

    reason: str


@dataclass
class TransferFrame(ControlFrame):
    """Cold-transfer the call once everything queued before it has been heard."""

    to: str


@dataclass
class TransferResultFrame(ControlFrame):
    """What the transfer port answered."""

    to: str
    ok: bool
    error: str | None = None


@dataclass
class EndFrame(ControlFrame):
    """The call is over (Twilio `stop`, hangup or transfer)."""

    reason: str
    details: dict[str, Any] = field(default_factory=dict)

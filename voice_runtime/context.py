"""What every processor of one call shares: deployment tuning, the event log, metrics, the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.objectives import ObjectiveGraph, default_graph
from infra.settings import Settings
from voice_runtime.call_events import CallEventLog
from voice_runtime.metrics import VoiceMetrics


@dataclass(frozen=True)
class VoiceConfig:
    """Voice Core tuning, set once per deployment (never per tenant); tests shrink the durations."""

    end_of_turn_silence_ms: int = 500
    stt_final_timeout_ms: int = 2500  # outlasts a slow Whisper decode (REVOS_VOICE_STT_FINAL_TIMEOUT_MS)
    reprompt_after_seconds: float = 7.0
    max_reprompts: int = 2
    barge_in_min_speech_ms: int = 300
    dtmf_timeout_ms: int = 2500
    mark_every_frames: int = 5
    pacer_lead_ms: int = 60
    vad_min_rms: float = 300.0
    vad_start_ms: int = 60
    vad_hangover_ms: int = 400
    vad_engine: str = "silero"  # "energy": the energy/ZCR detector (voice_runtime/vad.py)
    silero_vad_threshold: float = 0.5
    vad_warm_models: int = 4  # Silero models loaded before the first call (a call takes one; more load on demand)
    pause_on_speech: bool = True  # yield at once on caller speech; resume after a backchannel
    transfer_mode: str = "cold"  # "warm": the target is called and briefed before the caller joins

    @classmethod
    def from_settings(cls, s: Settings) -> VoiceConfig:
        """The deployment's tuning from REVOS_VOICE_* settings."""
        return cls(
            end_of_turn_silence_ms=s.voice_end_of_turn_silence_ms,
            stt_final_timeout_ms=s.voice_stt_final_timeout_ms,
            reprompt_after_seconds=s.voice_reprompt_after_seconds,
            max_reprompts=s.voice_max_reprompts,
            barge_in_min_speech_ms=s.voice_barge_in_min_speech_ms,
            dtmf_timeout_ms=s.voice_dtmf_timeout_ms,
            mark_every_frames=s.voice_mark_every_frames,
            pacer_lead_ms=s.voice_pacer_lead_ms,
            vad_min_rms=s.vad_min_rms,
            vad_start_ms=s.vad_start_ms,
            vad_hangover_ms=s.vad_hangover_ms,
            vad_engine=s.vad_engine,
            silero_vad_threshold=s.silero_vad_threshold,
            vad_warm_models=s.vad_warm_models,
            pause_on_speech=s.voice_pause_on_speech,
            transfer_mode=s.voice_transfer_mode,
        )


@dataclass
class CallContext:
    """One call's shared state; `now` is monotonic seconds (latencies), events carry wall-clock time."""

    config: VoiceConfig
    events: CallEventLog
    metrics: VoiceMetrics
    now: Callable[[], float] = time.monotonic
    timezone: str = "Australia/Sydney"
    business_name: str = ""
    extras: dict[str, str] = field(default_factory=dict)
    # What the call must achieve, pinned at its start for the whole call (docs/decisions/0010).
    graph: ObjectiveGraph = field(default_factory=default_graph)
    config_version: int | None = None  # None: the Voice Core's built-in default graph
    business_open: bool = True
    tenant_id: str | None = None
    transport: str = "twilio"

    @property
    def config_hash(self) -> str:
        """The content hash of the graph the call runs."""
        return self.graph.config_hash

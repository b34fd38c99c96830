"""The deployment's VAD for one call, from the Voice Core tuning."""

from __future__ import annotations

from voice_runtime.context import VoiceConfig
from voice_runtime.vad import Vad


def make_vad(config: VoiceConfig) -> Vad:
    """A fresh detector (it keeps per-stream state)."""
    return Vad(min_rms=config.vad_min_rms, start_ms=config.vad_start_ms, hangover_ms=config.vad_hangover_ms)

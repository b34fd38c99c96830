"""TEMPORARY (voice-runtime): local engines until voice-engines' build_engines lands; delete then."""

from __future__ import annotations

from infra.settings import Settings
from voice_runtime.stt.base import SpeechToText
from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.tts.piper_tts import PiperTts


def build_engines(settings: Settings) -> tuple[SpeechToText, TextToSpeech]:
    """Local engines only (the cloud adapters are not on this branch yet)."""
    return PocketsphinxStt(), PiperTts()

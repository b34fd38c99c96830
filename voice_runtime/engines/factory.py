"""Choose the speech engines for this deployment (never per tenant) from settings.

STT: Deepgram when `REVOS_DEEPGRAM_API_KEY` is set, else the embedded engine `REVOS_STT_ENGINE` names:
Whisper tiny.en (the default) or pocketsphinx. TTS: ElevenLabs when `REVOS_ELEVENLABS_API_KEY` is set,
else local piper. VAD: a fresh detector per call, Silero (the default) or the energy/ZCR detector
(`REVOS_VAD_ENGINE`), with the deployment's thresholds. Base URLs and tuning are settings too, so tests
point the cloud adapters at local protocol servers.
"""

from __future__ import annotations

import asyncio

from infra.settings import Settings
from voice_runtime.context import VoiceConfig
from voice_runtime.stt.base import SpeechToText
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.vad import Vad, VoiceActivityDetector

CALL_VAD_RATE = 8000  # the runtime's VAD hears the caller's line as it arrives


def build_stt(settings: Settings) -> SpeechToText:
    """The deployment's STT engine."""
    if settings.deepgram_api_key is not None and settings.deepgram_api_key.get_secret_value():
        from voice_runtime.stt.deepgram_stt import DeepgramStt

        return DeepgramStt(
            settings.deepgram_api_key.get_secret_value(),
            url=settings.deepgram_url,
            model=settings.deepgram_model,
            language=settings.deepgram_language,
            endpointing_ms=settings.deepgram_endpointing_ms,
            utterance_end_ms=settings.deepgram_utterance_end_ms,
            keepalive_s=settings.deepgram_keepalive_seconds,
            max_reconnects=settings.deepgram_max_reconnects,
        )
    if settings.stt_engine == "pocketsphinx":
        from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt

        return PocketsphinxStt(
            workers=settings.pocketsphinx_workers,
            endpoint_window_s=settings.pocketsphinx_endpoint_window_seconds,
        )
    from voice_runtime.stt.whisper_stt import whisper_stt_from_settings

    return whisper_stt_from_settings(settings)


def build_tts(settings: Settings) -> TextToSpeech:
    """The deployment's TTS engine."""
    if settings.elevenlabs_api_key is not None and settings.elevenlabs_api_key.get_secret_value():
        from voice_runtime.tts.elevenlabs_tts import ElevenLabsTts

        return ElevenLabsTts(
            settings.elevenlabs_api_key.get_secret_value(),
            url=settings.elevenlabs_url,
            voice_id=settings.elevenlabs_voice_id,
            model_id=settings.elevenlabs_model,
            max_retries=settings.elevenlabs_max_retries,
        )
    from voice_runtime.tts.piper_tts import PiperTts

    return PiperTts(workers=settings.piper_workers, intra_op_threads=settings.piper_intra_op_threads)


def build_engines(settings: Settings) -> tuple[SpeechToText, TextToSpeech]:
    """(STT, TTS) for this deployment. Local engines load their models lazily (or via `warm_up`)."""
    return build_stt(settings), build_tts(settings)


def build_vad(config: VoiceConfig) -> VoiceActivityDetector:
    """A fresh VAD for one call (it keeps per-stream state), with the deployment's thresholds."""
    if config.vad_engine == "energy":
        return Vad(min_rms=config.vad_min_rms, start_ms=config.vad_start_ms, hangover_ms=config.vad_hangover_ms)
    from voice_runtime.silero_vad import SileroVad

    return SileroVad(sample_rate=CALL_VAD_RATE, threshold=config.silero_vad_threshold, min_rms=config.vad_min_rms,
                     start_ms=config.vad_start_ms, hangover_ms=config.vad_hangover_ms)  # fmt: skip


async def warm_up_vad(config: VoiceConfig, models: int) -> None:
    """Load `models` Silero models for the calls' VADs off the event loop (a call then takes one at once)."""
    if config.vad_engine == "energy" or models <= 0:
        return
    from voice_runtime.silero_vad import POOL

    await asyncio.get_running_loop().run_in_executor(None, POOL.warm, CALL_VAD_RATE, models)

"""Choose the speech engines for this deployment (never per tenant) from settings.

Deepgram when `REVOS_DEEPGRAM_API_KEY` is set, else local pocketsphinx; ElevenLabs when
`REVOS_ELEVENLABS_API_KEY` is set, else local piper. Base URLs and tuning are settings too, so tests
point the cloud adapters at local protocol servers.
"""

from __future__ import annotations

from infra.settings import Settings
from voice_runtime.stt.base import SpeechToText
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.vad import Vad


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
    from voice_runtime.stt.pocketsphinx_stt import PocketsphinxStt

    return PocketsphinxStt(
        workers=settings.pocketsphinx_workers,
        endpoint_window_s=settings.pocketsphinx_endpoint_window_seconds,
    )


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


def build_vad(settings: Settings) -> Vad:
    """A fresh VAD (one per call) with the deployment's thresholds."""
    return Vad(min_rms=settings.vad_min_rms, start_ms=settings.vad_start_ms, hangover_ms=settings.vad_hangover_ms)

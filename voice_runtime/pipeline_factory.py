"""The call pipeline, in one place: codec -> VAD -> STT -> turns -> dialogue -> TTS -> pacer."""

from __future__ import annotations

from voice_runtime.context import CallContext
from voice_runtime.processor import FrameHandler, Pipeline
from voice_runtime.processors.audio_in import CodecProcessor, VadProcessor
from voice_runtime.processors.dialogue import DialogueProcessor
from voice_runtime.processors.pacer import Pacer
from voice_runtime.processors.stt import SttProcessor
from voice_runtime.processors.tts import TtsProcessor
from voice_runtime.processors.turns import TurnManager
from voice_runtime.stt.base import STT_SAMPLE_RATE, SpeechToText
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.vad import Vad


def build_pipeline(ctx: CallContext, stt: SpeechToText, tts: TextToSpeech, vad: Vad, pacer: Pacer, *,
                   on_downstream: FrameHandler, on_upstream: FrameHandler) -> Pipeline:
    """Wire one call's processors."""
    processors = [
        CodecProcessor(STT_SAMPLE_RATE),
        VadProcessor(ctx, vad),
        SttProcessor(ctx, stt),
        TurnManager(ctx),
        DialogueProcessor(ctx),
        TtsProcessor(ctx, tts),
        pacer,
    ]
    return Pipeline(processors, on_downstream=on_downstream, on_upstream=on_upstream)

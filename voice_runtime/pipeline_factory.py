"""The call pipeline in one place: input, codec, VAD, STT, turns, dialogue, TTS, pacer, output, transfer.

The transport pair is Twilio's (`processors/transport.py`) or WebRTC's (`webrtc/transport.py`); the rest is the same.
"""

from __future__ import annotations

from voice_runtime.context import CallContext
from voice_runtime.processor import FrameHandler, FrameProcessor, Pipeline
from voice_runtime.processors.audio_in import CodecProcessor, VadProcessor
from voice_runtime.processors.dialogue import DialogueProcessor
from voice_runtime.processors.pacer import Pacer
from voice_runtime.processors.stt import SttProcessor
from voice_runtime.processors.transfer import TransferProcessor
from voice_runtime.processors.tts import TtsProcessor
from voice_runtime.processors.turns import TurnManager
from voice_runtime.stt.base import STT_SAMPLE_RATE, SpeechToText
from voice_runtime.transfer import TransferPort
from voice_runtime.tts.base import TextToSpeech
from voice_runtime.vad import VoiceActivityDetector


def build_pipeline(ctx: CallContext, transport: tuple[FrameProcessor, FrameProcessor], pacer: Pacer, *,
                   stt: SpeechToText, tts: TextToSpeech, vad: VoiceActivityDetector, transfer: TransferPort,
                   on_downstream: FrameHandler, on_upstream: FrameHandler) -> Pipeline:
    """Wire one call's processors (the session keeps the transport and the pacer: it drives them)."""
    source, sink = transport
    processors = [
        source,
        CodecProcessor(STT_SAMPLE_RATE),
        VadProcessor(ctx, vad),
        SttProcessor(ctx, stt),
        TurnManager(ctx),
        DialogueProcessor(ctx),
        TtsProcessor(ctx, tts),
        pacer,
        sink,
        TransferProcessor(ctx, transfer),
    ]
    return Pipeline(processors, on_downstream=on_downstream, on_upstream=on_upstream)

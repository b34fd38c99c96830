"""Caller audio in: mu-law 8 kHz -> PCM16 (8 kHz for the VAD, 16 kHz for STT), then voice activity."""

from __future__ import annotations

from voice_runtime.codec import Resampler, mulaw_to_pcm16
from voice_runtime.context import CallContext
from voice_runtime.frames import (
    AudioRawFrame,
    Direction,
    Frame,
    InputAudioFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voice_runtime.processor import FrameProcessor
from voice_runtime.vad import VoiceActivityDetector


class CodecProcessor(FrameProcessor):
    """Decodes Twilio's mu-law and resamples to the STT rate (stateful, streaming)."""

    def __init__(self, stt_rate: int = 16_000) -> None:
        super().__init__()
        self._resampler = Resampler(8000, stt_rate)

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Decode caller audio; pass everything else on."""
        if isinstance(frame, InputAudioFrame):
            pcm8k = mulaw_to_pcm16(frame.mulaw)
            frame = AudioRawFrame(pcm8k=pcm8k, pcm16k=self._resampler.process(pcm8k), arrived=frame.arrived)
        await self.push_frame(frame, direction)


class VadProcessor(FrameProcessor):
    """Marks voiced frames and pushes speech start/stop (system frames) ahead of the audio."""

    def __init__(self, ctx: CallContext, vad: VoiceActivityDetector) -> None:
        super().__init__()
        self._ctx = ctx
        self._vad = vad
        self._onset: float | None = None
        self._last_voiced = 0.0
        self._run_start: float | None = None  # arrival of the first voiced frame of the current run

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Run the VAD on caller audio."""
        if not isinstance(frame, AudioRawFrame):
            await self.push_frame(frame, direction)
            return
        [result] = await self._vad.process_frames([frame.pcm8k], 8000)  # off the loop: Silero's scoring
        frame.is_speech, frame.voiced = result.is_speech, result.frame_voiced
        if result.frame_voiced:
            self._last_voiced = frame.arrived
            if self._run_start is None:
                self._run_start = frame.arrived
        elif not result.is_speech:
            self._run_start = None
        if result.speech_started:
            # The VAD confirms speech only after a few voiced frames: the onset is the first of them.
            self._onset = self._run_start if self._run_start is not None else frame.arrived
            await self.push_frame(UserStartedSpeakingFrame(onset=self._onset))
        await self.push_frame(frame, direction)
        if result.speech_ended and self._onset is not None:
            speech_ms = (self._last_voiced - self._onset) * 1000 + 20
            self._onset = None
            await self.push_frame(UserStoppedSpeakingFrame(last_voiced=self._last_voiced, speech_ms=speech_ms))

    async def cleanup(self) -> None:
        """Give the detector's model back (Silero models are pooled per process)."""
        self._vad.close()

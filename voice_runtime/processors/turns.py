"""Turn-taking: end of turn (VAD silence + STT final), silence reprompts, barge-in, backchannels, DTMF."""

from __future__ import annotations

from enum import Enum

from voice_runtime.context import CallContext
from voice_runtime.frames import (
    AudioRawFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    Direction,
    DtmfFrame,
    FinalizeSttFrame,
    Frame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    PausePlaybackFrame,
    ResumePlaybackFrame,
    SilenceFrame,
    SttFinalizedFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    UserTurnFrame,
)
from voice_runtime.processor import FrameProcessor
from voice_runtime.processors.stt import FINALIZE_TIMEOUT_S

STT_FLUSH_TIMEOUT_S = FINALIZE_TIMEOUT_S + 1.0  # the flush's own timeout, and the frames that carry its answer


class Phase(Enum):
    """Where the caller's turn is."""

    IDLE = "idle"
    SPEAKING = "speaking"
    TRAILING = "trailing"  # speech stopped; counting the end-of-turn silence window
    FINALIZING = "finalizing"  # window elapsed; waiting for the STT final


class TurnManager(FrameProcessor):
    """Decides when the caller's turn is over and when the caller interrupts the agent.

    Timers are checked on every inbound frame (Twilio sends 50 a second, silence included), so
    no timer task runs per call.
    """

    def __init__(self, ctx: CallContext) -> None:
        super().__init__()
        self._ctx = ctx
        self._phase = Phase.IDLE
        self._finals: list[str] = []
        self._partial = ""
        self._digits = ""
        self._last_digit = 0.0
        self._onset: float | None = None
        self._last_voiced: float | None = None
        self._final_deadline = 0.0
        self._final_at: float | None = None
        self._bot_speaking = False
        self._agent_pending = False
        self._barged = False
        self._discard_final = False
        self._reprompt_at: float | None = None
        self._paused = False  # playback paused at the caller's onset, until backchannel or barge-in
        self._voiced_at = 0.0  # arrival of the latest voiced frame
        self._words_late = False  # the final timeout passed with no words: waiting on the flush

    async def process_frame(self, frame: Frame, direction: Direction) -> None:
        """Route by frame type; audio stops here (nothing downstream needs it)."""
        if isinstance(frame, AudioRawFrame):
            if frame.voiced:
                self._voiced_at = frame.arrived
            await self._tick(frame.arrived)
        elif isinstance(frame, UserStartedSpeakingFrame):
            await self._on_speech_start(frame.onset)
        elif isinstance(frame, UserStoppedSpeakingFrame):
            await self._on_speech_stop(frame)
        elif isinstance(frame, InterimTranscriptionFrame):
            if self._discard_final:
                pass
            elif self._phase is not Phase.IDLE:
                self._partial = frame.text
            elif frame.text.strip() and not self._agent_active and not self._digits:
                self._words_unvoiced(frame)
        elif isinstance(frame, TranscriptionFrame):
            await self._on_final(frame)
        elif isinstance(frame, SttFinalizedFrame):
            self._discard_final = False  # whatever a backchannel's flush produced is out by now
            if self._phase is Phase.FINALIZING:
                await self._end_turn(frame.received, "stt_flushed")
        elif isinstance(frame, DtmfFrame):
            await self._on_dtmf(frame)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._on_bot_stopped(frame)
            await self.push_frame(frame, direction)
        else:
            await self.push_frame(frame, direction)

    @property
    def _agent_active(self) -> bool:
        return self._bot_speaking or self._agent_pending

    async def _tick(self, now: float) -> None:
        cfg = self._ctx.config
        if self._phase is Phase.SPEAKING and self._agent_active and not self._barged and self._onset is not None:
            # Voiced speech that long is no backchannel; the VAD's hang-over after a "yeah" is not speech.
            if (max(self._voiced_at, self._onset) - self._onset) * 1000 + 20 >= cfg.barge_in_min_speech_ms:
                await self._barge_in(self._onset)
        elif self._phase is Phase.TRAILING and self._last_voiced is not None:
            if (now - self._last_voiced) * 1000 >= cfg.end_of_turn_silence_ms:
                self._phase, self._words_late = Phase.FINALIZING, False
                self._final_deadline = now + cfg.stt_final_timeout_ms / 1000
                await self.push_frame(FinalizeSttFrame(), Direction.UPSTREAM)
        elif self._phase is Phase.FINALIZING and now >= self._final_deadline:
            if not self._finals and not self._partial.strip() and not self._digits and not self._words_late:
                # Nothing to end the turn on yet (a decode slower than the timeout, no partial): the caller's words
                # are still coming. Wait for them until the flush answers (SttFinalizedFrame, at most the STT
                # processor's own finalize timeout), and past that only as long again; never drop them.
                self._words_late = True
                self._final_deadline = now + STT_FLUSH_TIMEOUT_S
            else:
                await self._end_turn(now, "stt_timeout")
                # The late final is this turn's, ended on its partial: never the start of the caller's next turn.
                self._discard_final = True
        if self._digits and self._phase is Phase.IDLE and (now - self._last_digit) * 1000 >= cfg.dtmf_timeout_ms:
            await self._end_turn(now, "dtmf_timeout")
        if self._reprompt_at is not None and now >= self._reprompt_at and self._phase is Phase.IDLE:
            self._reprompt_at = None
            await self.push_frame(SilenceFrame())

    async def _on_speech_start(self, onset: float) -> None:
        self._reprompt_at = None
        if self._phase is Phase.IDLE:
            self._onset = onset
            self._barged = False
        self._phase = Phase.SPEAKING
        if self._ctx.config.pause_on_speech and self._agent_active and not self._barged and not self._paused:
            self._paused = True
            await self.push_frame(PausePlaybackFrame(onset=onset))

    def _words_unvoiced(self, frame: InterimTranscriptionFrame) -> None:
        """The STT heard words the call's VAD did not (a short, quick "yep" under its threshold, found by the stress
        harness's fast talker): a turn whose speech has already stopped, ended as any other after the silence
        window, rather than a caller left unheard until the silence reprompt.
        """
        self._reprompt_at = None
        self._partial = frame.text
        self._onset = self._last_voiced = frame.received
        self._barged = False
        self._phase = Phase.TRAILING

    async def _on_speech_stop(self, frame: UserStoppedSpeakingFrame) -> None:
        if self._phase is not Phase.SPEAKING:
            return
        if self._agent_active and not self._barged:
            # Too short to interrupt: a backchannel ("yeah", "mm"); the agent keeps talking.
            self._ctx.events.emit("caller.backchannel", speech_ms=round(frame.speech_ms))
            if self._paused:
                self._paused = False
                await self.push_frame(ResumePlaybackFrame())
            self._phase = Phase.IDLE
            self._finals, self._partial, self._onset = [], "", None
            self._discard_final = True
            await self.push_frame(FinalizeSttFrame(), Direction.UPSTREAM)
            return
        self._last_voiced = frame.last_voiced
        self._phase = Phase.TRAILING

    async def _on_final(self, frame: TranscriptionFrame) -> None:
        if self._discard_final:
            self._discard_final = False
            return
        if self._phase is Phase.IDLE or not frame.text:
            if self._phase is Phase.FINALIZING:
                await self._end_turn(frame.received, "stt_final")
            return
        self._finals.append(frame.text)
        self._final_at = frame.received
        if self._phase is Phase.FINALIZING:
            await self._end_turn(frame.received, "stt_final")

    async def _on_dtmf(self, frame: DtmfFrame) -> None:
        self._ctx.events.emit("dtmf", digit=frame.digit)
        self._reprompt_at = None
        if self._agent_active and not self._barged:
            await self._barge_in(frame.arrived)
        self._last_digit = frame.arrived
        if frame.digit == "#":
            await self._end_turn(frame.arrived, "dtmf_hash")
        else:
            self._digits += frame.digit

    async def _barge_in(self, onset: float) -> None:
        self._barged = True
        self._paused = False
        self._agent_pending = False
        await self.push_frame(InterruptionFrame(onset=onset))

    def _on_bot_stopped(self, frame: BotStoppedSpeakingFrame) -> None:
        self._bot_speaking = False
        self._agent_pending = False
        if not frame.interrupted and self._phase is Phase.IDLE and not self._digits:
            self._reprompt_at = self._ctx.now() + self._ctx.config.reprompt_after_seconds

    async def _end_turn(self, now: float, reason: str) -> None:
        text = " ".join(self._finals).strip() or self._partial.strip()
        digits, last_voiced, final_at = self._digits, self._last_voiced, self._final_at
        self._phase, self._finals, self._partial, self._digits = Phase.IDLE, [], "", ""
        self._onset, self._last_voiced, self._final_at, self._barged = None, None, None, False
        self._paused, self._words_late = False, False
        if not text and not digits:
            if not self._agent_active:
                self._reprompt_at = now + self._ctx.config.reprompt_after_seconds
            return
        delay_ms = None
        if last_voiced is not None:
            self._ctx.metrics.observe("turn_end_delay", max(0.0, now - last_voiced))
        if final_at is not None and last_voiced is not None:
            delay_ms = round((final_at - last_voiced) * 1000)
            self._ctx.metrics.observe("stt_final_delay", max(0.0, final_at - last_voiced))
        ended = self._ctx.events.emit("turn.ended", text=text, dtmf=digits, reason=reason, stt_final_delay_ms=delay_ms)
        self._agent_pending = True
        await self.push_frame(UserTurnFrame(text=text, dtmf=digits, ended_at=now, last_voiced=last_voiced,
                                            occurred_at=ended.occurred_at if ended is not None else None))

"""Turn-taking decisions of the TurnManager, driven with explicit frame times."""

from __future__ import annotations

from voice_runtime.frames import (
    AudioRawFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    DtmfFrame,
    FinalizeSttFrame,
    Frame,
    InterimTranscriptionFrame,
    InterruptionFrame,
    SilenceFrame,
    SttFinalizedFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    UserTurnFrame,
)
from voice_runtime.processors.turns import STT_FLUSH_TIMEOUT_S, TurnManager

from .harness import Harness, make_ctx, run_test


def audio(start: float, end: float, voiced: bool = True) -> list[Frame]:
    """20 ms frames; `voiced`: the VAD's own decision for each (speech frames, or the silence between)."""
    n = round((end - start) / 0.02)
    return [AudioRawFrame(pcm8k=b"", pcm16k=b"", arrived=start + i * 0.02, voiced=voiced) for i in range(n)]


def setup(**config: object) -> tuple[TurnManager, Harness]:
    ctx, clock = make_ctx(**config)
    return TurnManager(ctx), Harness(ctx, clock)


async def test_turn_ends_after_silence_window_and_stt_final() -> None:
    tm, h = setup(end_of_turn_silence_ms=400, stt_final_timeout_ms=800)
    frames = [UserStartedSpeakingFrame(onset=0.0), *audio(0.0, 1.0),
              InterimTranscriptionFrame("my name", 0.8),
              UserStoppedSpeakingFrame(last_voiced=1.0, speech_ms=1000), *audio(1.0, 1.38)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, FinalizeSttFrame) for f in h.up)  # 380 ms < 400 ms window
    await run_test([tm], audio(1.38, 1.46), harness=h)
    assert any(isinstance(f, FinalizeSttFrame) for f in h.up)
    assert not h.down
    await run_test([tm], [TranscriptionFrame("my name is jane", received=1.6)], harness=h)
    turns = [f for f in h.down if isinstance(f, UserTurnFrame)]
    assert [t.text for t in turns] == ["my name is jane"]
    (ended,) = h.types("turn.ended")
    assert ended.payload["stt_final_delay_ms"] == 600 and ended.payload["reason"] == "stt_final"


async def test_turn_ends_on_final_timeout_with_the_partial() -> None:
    tm, h = setup(end_of_turn_silence_ms=200, stt_final_timeout_ms=300)
    frames = [UserStartedSpeakingFrame(onset=0.0), InterimTranscriptionFrame("four one two", 0.3),
              UserStoppedSpeakingFrame(last_voiced=0.5, speech_ms=500), *audio(0.5, 1.2)]
    await run_test([tm], frames, harness=h)
    turns = [f for f in h.down if isinstance(f, UserTurnFrame)]
    assert [t.text for t in turns] == ["four one two"]
    assert h.types("turn.ended")[0].payload["reason"] == "stt_timeout"


async def test_a_final_later_than_the_timeout_is_not_the_next_turn() -> None:
    tm, h = setup(end_of_turn_silence_ms=200, stt_final_timeout_ms=300)
    frames = [UserStartedSpeakingFrame(onset=0.0), InterimTranscriptionFrame("four one two", 0.3),
              UserStoppedSpeakingFrame(last_voiced=0.5, speech_ms=500), *audio(0.5, 1.2),
              UserStartedSpeakingFrame(onset=1.3), *audio(1.3, 1.6),
              TranscriptionFrame("four one two three", received=1.5),  # the first turn's, decoded late
              SttFinalizedFrame(received=1.5), *audio(1.6, 2.0),
              UserStoppedSpeakingFrame(last_voiced=2.0, speech_ms=700), *audio(2.0, 2.3),
              TranscriptionFrame("yes", received=2.35), SttFinalizedFrame(received=2.35)]
    await run_test([tm], frames, harness=h)
    turns = [f.text for f in h.down if isinstance(f, UserTurnFrame)]
    assert turns == ["four one two", "yes"]


async def test_a_final_slower_than_the_timeout_with_no_partial_is_the_turn() -> None:
    # Found by the stress suite under CI load: Whisper's decode outlasted the 800 ms final timeout, no speculative
    # partial had come, the turn ended empty and the late final was dropped; the caller sat through a 20 s reprompt.
    tm, h = setup(end_of_turn_silence_ms=200, stt_final_timeout_ms=300)
    frames = [UserStartedSpeakingFrame(onset=0.0), *audio(0.0, 0.5),
              UserStoppedSpeakingFrame(last_voiced=0.5, speech_ms=500), *audio(0.5, 2.0, voiced=False),
              TranscriptionFrame("put me through to someone", received=2.0), SttFinalizedFrame(received=2.0)]
    await run_test([tm], frames, harness=h)
    assert [f.text for f in h.down if isinstance(f, UserTurnFrame)] == ["put me through to someone"]
    assert h.types("turn.ended")[0].payload["reason"] == "stt_final"


async def test_a_flush_that_never_answers_ends_the_wait() -> None:
    tm, h = setup(end_of_turn_silence_ms=200, stt_final_timeout_ms=300, reprompt_after_seconds=2.0)
    speech = [UserStartedSpeakingFrame(onset=0.0), *audio(0.0, 0.5), UserStoppedSpeakingFrame(last_voiced=0.5,
                                                                                              speech_ms=500)]
    await run_test([tm], [*speech, *audio(0.5, 1.0 + STT_FLUSH_TIMEOUT_S, voiced=False)], harness=h)
    assert not any(isinstance(f, SilenceFrame) for f in h.down)  # still waiting for the words at the cut-off
    await run_test([tm], audio(1.0 + STT_FLUSH_TIMEOUT_S, 4.0 + STT_FLUSH_TIMEOUT_S, voiced=False), harness=h)
    assert any(isinstance(f, SilenceFrame) for f in h.down)  # then the turn is over, and the silence reprompt runs
    assert not h.types("turn.ended")


async def test_speech_over_the_agent_interrupts_after_min_length() -> None:
    tm, h = setup(barge_in_min_speech_ms=120)
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0), UserStartedSpeakingFrame(onset=1.0),
              *audio(1.0, 1.08)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, InterruptionFrame) for f in h.down)
    await run_test([tm], audio(1.08, 1.12), harness=h)
    interruptions = [f for f in h.down if isinstance(f, InterruptionFrame)]
    assert len(interruptions) == 1 and interruptions[0].onset == 1.0


async def test_the_vad_hang_over_after_a_backchannel_is_not_speech_toward_a_barge_in() -> None:
    tm, h = setup(barge_in_min_speech_ms=700)
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0), UserStartedSpeakingFrame(onset=1.0),
              *audio(1.0, 1.4), *audio(1.4, 1.8, voiced=False)]  # "yeah", then 400 ms until the VAD lets go
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, InterruptionFrame) for f in h.down)
    await run_test([tm], [UserStoppedSpeakingFrame(last_voiced=1.4, speech_ms=420), *audio(1.8, 2.0, False)], harness=h)
    assert not any(isinstance(f, InterruptionFrame | UserTurnFrame) for f in h.down)
    assert h.types("caller.backchannel")


async def test_short_backchannel_does_not_interrupt_and_is_not_a_turn() -> None:
    tm, h = setup(barge_in_min_speech_ms=300, end_of_turn_silence_ms=200)
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0), UserStartedSpeakingFrame(onset=1.0),
              *audio(1.0, 1.2), UserStoppedSpeakingFrame(last_voiced=1.2, speech_ms=200), *audio(1.2, 2.0),
              TranscriptionFrame("yeah", received=1.5), *audio(2.0, 2.5)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, InterruptionFrame | UserTurnFrame) for f in h.down)
    assert h.types("caller.backchannel")[0].payload["speech_ms"] == 200


async def test_silence_after_the_agent_finishes_triggers_a_reprompt_once() -> None:
    tm, h = setup(reprompt_after_seconds=1.0)
    h.clock.t = 0.0
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0),
              BotStoppedSpeakingFrame(utterance_id=1, interrupted=False, heard_ms=1000, total_ms=1000),
              *audio(0.0, 2.5)]
    await run_test([tm], frames, harness=h)
    assert sum(isinstance(f, SilenceFrame) for f in h.down) == 1


async def test_caller_speech_cancels_the_reprompt() -> None:
    tm, h = setup(reprompt_after_seconds=1.0)
    frames = [BotStoppedSpeakingFrame(utterance_id=1, interrupted=False, heard_ms=1000, total_ms=1000),
              *audio(0.0, 0.5), UserStartedSpeakingFrame(onset=0.5), *audio(0.5, 2.0)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, SilenceFrame) for f in h.down)


async def test_dtmf_digits_end_on_hash_or_timeout() -> None:
    tm, h = setup(dtmf_timeout_ms=500)
    frames: list[Frame] = [DtmfFrame(d, 0.1 * i) for i, d in enumerate("0412")]
    frames += [DtmfFrame("#", 0.5)]
    await run_test([tm], frames, harness=h)
    frames2: list[Frame] = [DtmfFrame("7", 1.0), *audio(1.0, 1.6)]
    await run_test([tm], frames2, harness=h)
    turns = [f for f in h.down if isinstance(f, UserTurnFrame)]
    assert [t.dtmf for t in turns] == ["0412", "7"]
    assert [e.payload["digit"] for e in h.types("dtmf")] == ["0", "4", "1", "2", "#", "7"]


async def test_dtmf_during_agent_speech_interrupts() -> None:
    tm, h = setup()
    await run_test([tm], [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0), DtmfFrame("4", 0.3)], harness=h)
    assert any(isinstance(f, InterruptionFrame) for f in h.down)


async def test_words_the_vad_missed_after_the_agent_finished_are_a_turn() -> None:
    # The stress harness's fast talker: a quick "Yep." after a read-back, heard by the STT (a partial) but under
    # the call's VAD threshold, was left unheard until the silence reprompt asked "Are you still there?".
    tm, h = setup(end_of_turn_silence_ms=400, stt_final_timeout_ms=800, reprompt_after_seconds=7.0)
    h.clock.t = 0.0
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0),
              BotStoppedSpeakingFrame(utterance_id=1, interrupted=False, heard_ms=4500, total_ms=4500),
              *audio(0.0, 1.0, voiced=False), InterimTranscriptionFrame("Yep.", received=1.0),
              *audio(1.0, 1.38, voiced=False)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, FinalizeSttFrame) for f in h.up)  # the silence window runs from the words
    await run_test([tm], audio(1.38, 1.5, voiced=False), harness=h)
    assert any(isinstance(f, FinalizeSttFrame) for f in h.up)
    await run_test([tm], [TranscriptionFrame("Yep.", received=1.6), *audio(1.6, 9.0, voiced=False)], harness=h)
    assert [t.text for t in h.down if isinstance(t, UserTurnFrame)] == ["Yep."]
    assert not any(isinstance(f, SilenceFrame) for f in h.down)


async def test_a_partial_while_the_agent_speaks_is_no_turn() -> None:
    tm, h = setup(end_of_turn_silence_ms=200, barge_in_min_speech_ms=300)
    frames = [BotStartedSpeakingFrame(utterance_id=1, sent_at=0.0), *audio(0.0, 0.5, voiced=False),
              InterimTranscriptionFrame("thank you", received=0.5), *audio(0.5, 1.5, voiced=False)]
    await run_test([tm], frames, harness=h)
    assert not any(isinstance(f, FinalizeSttFrame) for f in h.up)
    assert not any(isinstance(f, UserTurnFrame) for f in h.down)

"""Every fixture's caller audio, heard again faster than real time by the VAD, the STT and the turn manager, gives
the call's turns and decisions. The VAD and the turn-taking are real; their inputs are the recorded line audio; the
STT is the engine the call was recorded with (`call.usage.stt_engine`), with the words the call heard:
ScriptedStt releases each scripted line on voiced audio; Whisper's own session (its gate, speculative decodes,
finalize) decides when a turn has words and takes them from the call's `stt.final` events, without the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.call_fixtures import caller_audio, fixture_paths, load_fixture, recorded_engine
from voice_runtime.context import VoiceConfig
from workers.replay_audio import hear_again

pytestmark = [pytest.mark.integration]
PATHS = fixture_paths()


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_the_fixture_heard_again_gives_its_turns_and_decisions(path: Path) -> None:
    fixture = load_fixture(path)
    stt, settings = recorded_engine(fixture)
    try:
        report = await hear_again(fixture.events, fixture.graph.graph(), caller_audio(path, fixture), stt,
                                  VoiceConfig.from_settings(settings))
    finally:
        getattr(stt, "close", lambda: None)()
    assert len(report.turns) == sum(1 for e in fixture.events if e.type == "turn.ended")
    assert [t.heard for t in report.turns] == [t.recorded for t in report.turns], report.turns
    assert report.identical, report.divergence
    assert report.wall_ms < report.audio_ms

"""The saved call fixtures (tests/fixtures/calls/*.json) and their caller audio."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

from domain.replay.fixtures import CallFixture
from infra.settings import Settings
from tests.helpers.voice_worker import FAST
from voice_runtime.stt.base import SpeechToText
from voice_runtime.testing.recorded_whisper import RecordedWhisperStt
from voice_runtime.testing.scripted_stt import ScriptedStt, ScriptLine

FIXTURES = Path(__file__).parents[1] / "fixtures" / "calls"


def fixture_paths() -> list[Path]:
    """Every fixture file, by name."""
    return sorted(FIXTURES.glob("*.json"))


def load_fixture(path: Path) -> CallFixture:
    return CallFixture.model_validate(json.loads(path.read_text()))


def caller_audio(path: Path, fixture: CallFixture) -> tuple[bytes, int]:
    """The fixture's caller leg: PCM16 mono and its rate."""
    assert fixture.caller_audio is not None, f"{path.name} has no caller audio"
    with wave.open(io.BytesIO((path.parent / fixture.caller_audio).read_bytes()), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        return w.readframes(w.getnframes()), w.getframerate()


def recorded_engine(fixture: CallFixture) -> tuple[SpeechToText, Settings]:
    """The STT the call was recorded with (`call.usage.stt_engine`), with the words the call heard, and the settings
    its worker ran: ScriptedStt on the tests' FAST settings; Whisper's own session with the recorded finals
    (no model) on the deployment's, as benchmarks.stress and `revos stress` run."""
    usage = next((e.payload for e in fixture.events if e.type == "call.usage"), {})
    if usage.get("stt_engine") == "whisper":
        finals = {(int(e.payload["start_ms"]), int(e.payload["end_ms"])): str(e.payload["text"])
                  for e in fixture.events if e.type == "stt.final"}
        settings = Settings()
        return RecordedWhisperStt(finals, gate_hangover_ms=settings.whisper_gate_hangover_ms), settings
    return ScriptedStt([ScriptLine(t, 300) for t in fixture.expected_transcripts]), Settings().model_copy(update=FAST)

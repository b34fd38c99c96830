"""The recording's timeline: the caller leg follows Twilio's media timestamps, the agent leg plays frames back to
back from when they were written, and a `clear` cuts it where the caller stopped hearing it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np

from infra.recordings.store import FileRecordingStore
from infra.recordings.wav import caller_pcm16, leg_wav, read_legs
from tests.unit.voice_runtime.harness import ListSink
from voice_runtime.call_events import CallEventLog
from voice_runtime.codec import mulaw_to_pcm16, pcm16_to_mulaw
from voice_runtime.recording import CallRecorder
from voice_runtime.recording_writer import RecordingWriter, encode

AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
SILENCE, TONE = b"\xff" * 160, pcm16_to_mulaw(b"\x10\x27" * 160)  # a 20 ms frame of 10000


def test_the_caller_leg_follows_twilio_timestamps_from_where_the_first_frame_arrived() -> None:
    rec = CallRecorder(100.0, AT, max_seconds=60)
    rec.caller_frame(TONE, arrived=100.5, timestamp_ms=20)  # half a second after the start
    rec.caller_frame(TONE, arrived=100.58, timestamp_ms=40)  # late on the network: still the next 20 ms
    rec.caller_frame(TONE, arrived=100.6, timestamp_ms=80)  # one frame lost: a gap of silence
    done = rec.finish()
    assert done.caller[:4000] == SILENCE * 25
    assert done.caller[4000:4320] == TONE * 2 and done.caller[4320:4480] == SILENCE
    assert done.caller[4480:] == TONE and done.duration_ms == 580


def test_agent_frames_play_back_to_back_and_a_clear_cuts_what_was_not_heard() -> None:
    rec = CallRecorder(0.0, AT, max_seconds=60)
    for i in range(10):  # written 60 ms ahead in a burst, as the pacer does: they play one after the other
        rec.agent_frame(TONE, written=1.0 + i * 0.002)
    rec.agent_clear(1.1)  # the caller barged in 100 ms into the utterance
    rec.agent_frame(TONE, written=2.0)
    rec.caller_frame(SILENCE, arrived=0.01, timestamp_ms=0)
    done = rec.finish()
    assert done.agent[8000:8800] == TONE * 5  # 1.0 s to 1.1 s
    assert done.agent[8800:16000] == SILENCE * 45 and done.agent[16000:16160] == TONE
    assert len(done.caller) == len(done.agent) == 16160


def test_a_recording_past_the_limit_keeps_its_start_and_says_so() -> None:
    rec = CallRecorder(0.0, AT, max_seconds=1)
    for i in range(60):
        rec.caller_frame(TONE, arrived=0.02 * i, timestamp_ms=20 * i)
    done = rec.finish()
    assert done.truncated and done.duration_ms == 1000


def test_the_stored_wav_holds_both_legs_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rec = CallRecorder(0.0, AT, max_seconds=60)
    rec.caller_frame(TONE, arrived=0.0, timestamp_ms=0)
    rec.agent_frame(pcm16_to_mulaw(b"\x00\xf0" * 160), written=0.0)
    data = encode(rec.finish())
    caller, agent, rate = read_legs(data)
    assert rate == 8000 and caller.tobytes() == mulaw_to_pcm16(TONE) and agent.tobytes() == mulaw_to_pcm16(
        pcm16_to_mulaw(b"\x00\xf0" * 160))
    assert caller_pcm16(data)[0] == mulaw_to_pcm16(TONE)
    mono = leg_wav(data, "mixed")
    expected = np.clip(caller.astype(np.int32) + agent.astype(np.int32), -32768, 32767).astype("<i2").tobytes()
    assert mono[:4] == b"RIFF" and mono[44:] == expected
    assert leg_wav(data, "caller")[44:] == caller.tobytes() and leg_wav(data, "agent")[44:] == agent.tobytes()


async def test_the_writer_stores_after_the_call_and_records_where(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sink = ListSink()
    log = CallEventLog(sink)
    log.bind("CA/../x", "t1")
    writer = RecordingWriter(FileRecordingStore(tmp_path), max_seconds=60)
    rec = writer.recorder()
    rec.caller_frame(TONE, arrived=rec._origin + 0.02, timestamp_ms=20)
    log.emit("call.ended", reason="caller_hangup", duration_ms=40)
    writer.submit(log, rec)
    await writer.drain(5)
    stored = log.of_type("call.recording_stored")
    assert len(stored) == 1 and log.events[-1].type == "call.recording_stored"
    p = stored[0].payload
    data = FileRecordingStore(tmp_path).get(p["location"])
    assert p["sha256"] == hashlib.sha256(data).hexdigest() and p["bytes"] == len(data) and p["duration_ms"] == 40
    assert p["location"].endswith("/t1/CA_.._x.wav") and (tmp_path / "t1" / "CA_.._x.wav").exists()
    assert log.emit("turn.ended", text="too late") is None  # after the end only what the call leaves behind


async def test_a_failed_write_is_recorded_and_the_call_is_unaffected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "t1").write_text("a file where the tenant's folder should be")
    log = CallEventLog(ListSink())
    log.bind("CA1", "t1")
    writer = RecordingWriter(FileRecordingStore(tmp_path), max_seconds=60)
    writer.submit(log, writer.recorder())
    await writer.drain(5)
    assert [e.type for e in log.events] == ["call.recording_failed"]

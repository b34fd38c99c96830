"""The WebRTC transport's parts without a peer: call tokens, the agent track's marks, the transport pair, audio, ICE."""

from __future__ import annotations

import asyncio
import fractions
import itertools
from collections.abc import Callable

import aioice.ice
import numpy as np
import pytest
from av import AudioFrame

from domain.voice.call_tokens import TokenRefused, WebRtcClaims, sign, sign_webrtc, verify_webrtc
from domain.voice.widgets import WidgetCreate, normalise_origin, origin_allowed
from tests.unit.voice_runtime.harness import Harness, make_ctx, run_test
from voice_runtime.codec import pcm16_rms
from voice_runtime.frames import (
    AudioRawFrame,
    ClearAudioFrame,
    DtmfFrame,
    HangupFrame,
    MarkFrame,
    PacedAudioFrame,
    PlayoutMarkFrame,
)
from voice_runtime.metrics import VoiceMetrics
from voice_runtime.webrtc import ice
from voice_runtime.webrtc.audio import PeerAudio
from voice_runtime.webrtc.tracks import AgentTrack
from voice_runtime.webrtc.transport import WebRtcInput, WebRtcOutput

SECRET = b"server-secret"
CLAIMS = WebRtcClaims(call_sid="WR1", tenant_id="t-1", config_version=None, issued_to="operator:p",
                      expires_at=1000.0, nonce="n")


def reason(call: Callable[[], object]) -> str:
    with pytest.raises(TokenRefused) as info:
        call()
    assert info.value.code == "call_token_refused"
    return info.value.reason


def test_a_valid_token_gives_back_its_claims_until_it_expires() -> None:
    token = sign_webrtc(CLAIMS, SECRET)
    assert verify_webrtc(token, SECRET, now=999.0) == CLAIMS
    assert reason(lambda: verify_webrtc(token, SECRET, now=1000.0)) == "expired"


@pytest.mark.parametrize("change", [{"tenant_id": "t-2"}, {"config_version": 3}, {"call_sid": "WR2"},
                                    {"expires_at": 9e9}, {"issued_to": "widget:w"}])
def test_changing_any_claim_breaks_the_signature(change: dict[str, object]) -> None:
    mac = sign_webrtc(CLAIMS, SECRET).split(".")[1]
    body = sign_webrtc(CLAIMS.model_copy(update=change), SECRET).split(".")[0]
    assert reason(lambda: verify_webrtc(f"{body}.{mac}", SECRET, now=1.0)) == "bad_signature"


def test_refusals_say_why() -> None:
    token = sign_webrtc(CLAIMS, SECRET)
    for bad, why in ((None, "missing"), ("", "missing"), ("a.b.c", "malformed"), ("x" * 5000, "malformed"),
                     ("e30.x", "bad_signature")):
        assert reason(lambda bad=bad: verify_webrtc(bad, SECRET, now=1.0)) == why  # type: ignore[misc]
    assert reason(lambda: verify_webrtc(token, b"another secret", now=1.0)) == "bad_signature"
    for_the_media_socket = sign("stream", CLAIMS, SECRET)  # same claims, another door
    assert reason(lambda: verify_webrtc(for_the_media_socket, SECRET, now=1.0)) == "bad_signature"
    assert reason(lambda: verify_webrtc(sign("webrtc", WidgetCreate(), SECRET), SECRET, now=1.0)) == "malformed"


class Marks(list[str]):
    def __call__(self, name: str) -> None:
        self.append(name)


def audio(n: int) -> bytes:
    return bytes([n]) * 160


async def test_a_mark_comes_back_once_the_audio_before_it_has_been_played() -> None:
    marks = Marks()
    track = AgentTrack(marks, clock=itertools.count(0, 0.02).__next__)
    track.play(audio(1))
    track.play(audio(2))
    track.mark("u1:2")
    track.play(audio(3))
    await track.recv()
    await track.recv()
    assert marks == []  # the second frame has only just been handed over
    third = await track.recv()
    assert marks == ["u1:2"] and third.samples == 160 and track.frames_played == 3
    assert track.waiting_frames == 0
    quiet = await track.recv()
    assert not quiet.to_ndarray().any()  # nothing waits: digital silence


async def test_clear_drops_the_unplayed_audio_and_echoes_its_marks_at_once() -> None:
    marks = Marks()
    track = AgentTrack(marks, clock=itertools.count(0, 0.02).__next__)
    for i in range(5):
        track.play(audio(i))
        track.mark(f"u1:{i + 1}")
    await track.recv()
    track.clear()
    assert marks == ["u1:1", "u1:2", "u1:3", "u1:4", "u1:5"] and track.waiting_frames == 0


async def test_the_track_keeps_real_time_and_does_not_burst_after_a_stall() -> None:
    now = [0.0]
    track = AgentTrack(Marks(), clock=lambda: now[0])
    await track.recv()
    now[0] = 5.0  # the loop stalled for 5 s
    await track.recv()
    began = asyncio.get_running_loop().time()
    now[0] = 5.01
    await asyncio.wait_for(track.recv(), 1.0)  # the next slot is 20 ms after the stall, not 5 s of catch-up
    assert asyncio.get_running_loop().time() - began >= 0.005


async def test_the_output_writes_audio_marks_and_clears_to_the_track_and_passes_the_rest_on() -> None:
    marks = Marks()
    metrics = VoiceMetrics()
    track = AgentTrack(marks, clock=itertools.count(0, 0.02).__next__)
    ctx, clock = make_ctx()
    harness = Harness(ctx, clock)
    frames = [PacedAudioFrame(mulaw=audio(1), deadline=0.0), PlayoutMarkFrame(name="u1:1"),
              PacedAudioFrame(mulaw=audio(2), deadline=1e12), ClearAudioFrame(), HangupFrame(reason="done")]
    await run_test([WebRtcOutput(track, metrics)], frames, harness=harness)
    assert [type(f) for f in harness.down] == [HangupFrame]
    assert marks == ["u1:1"] and track.waiting_frames == 0  # the clear dropped both frames, echoing the mark
    assert metrics.frames_out._value.get() == 2 and metrics.late_frames._value.get() == 1


async def test_the_input_feeds_keys_marks_and_audio_in_order_and_ends_on_hangup() -> None:
    ctx, clock = make_ctx()
    harness = Harness(ctx, clock)
    source = WebRtcInput(VoiceMetrics())
    source.on_message('{"type": "dtmf", "digit": "5"}')
    source.on_message('{"type": "dtmf", "digit": "55"}')  # one key at a time
    source.on_message('{"type": "dtmf", "digit": "x"}')
    source.on_message("not json")
    source.on_message(b"\x00")
    source.on_mark("u1:5")
    source.on_message('{"type": "dtmf", "digit": "#"}')
    source.on_message('{"type": "hangup"}')
    source.on_message('{"type": "dtmf", "digit": "1"}')
    await run_test([source], [], harness=harness)
    assert await asyncio.wait_for(source.run(), 1.0) == "caller_hangup"
    fed = [(type(f).__name__, getattr(f, "digit", getattr(f, "name", ""))) for f in harness.down]
    assert fed == [("DtmfFrame", "5"), ("MarkFrame", "u1:5"), ("DtmfFrame", "#")]


async def test_a_silent_peer_still_drives_the_turn_timers() -> None:
    ctx, clock = make_ctx()
    harness = Harness(ctx, clock)
    source = WebRtcInput(VoiceMetrics())
    await run_test([source], [], harness=harness)
    runner = asyncio.create_task(source.run())
    await asyncio.sleep(0.35)
    source.end("disconnected")
    assert await runner == "disconnected"
    silent = [f for f in harness.down if isinstance(f, AudioRawFrame)]
    assert len(silent) >= 10 and not any(f.pcm8k.strip(b"\x00") for f in silent)
    assert not [f for f in harness.down if isinstance(f, DtmfFrame | MarkFrame)]


def stereo_tone(samples: int, hz: float = 440.0, start: int = 0, rate: int = 48_000) -> AudioFrame:
    t = (np.arange(samples) + start) / rate
    mono = (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
    frame = AudioFrame.from_ndarray(np.repeat(mono, 2).reshape(1, -1), format="s16", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = rate, start, fractions.Fraction(1, rate)
    return frame


def test_the_peers_audio_becomes_20ms_pieces_at_8_and_16_khz() -> None:
    peer = PeerAudio()
    pieces = peer.feed(stereo_tone(960))
    assert [(len(a), len(b)) for a, b in pieces] == [(320, 640)]
    pieces = peer.feed(stereo_tone(480, start=960)) + peer.feed(stereo_tone(1440, start=1440))
    assert [(len(a), len(b)) for a, b in pieces] == [(320, 640), (320, 640)]  # a half frame waits for the next
    assert 5000 < pcm16_rms(pieces[-1][0]) < 6000 and 5000 < pcm16_rms(pieces[-1][1]) < 6000  # 8000 / sqrt(2)


def test_candidates_outside_the_named_networks_are_dropped() -> None:
    sdp = ("v=0\r\na=candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host\r\n"
           "a=candidate:2 1 udp 2122194687 127.0.0.1 50001 typ host\r\n"
           "a=candidate:3 1 udp 2122129151 3f2a0e1c-1d2b.local 50002 typ host\r\n"
           "a=candidate:4 1 udp 2122063615 fd00::2 50003 typ host\r\na=end-of-candidates\r\n")
    loopback = ice.parse_networks(["127.0.0.0/8"])
    kept = ice.filter_candidates(sdp, lambda address: ice.allowed(address, loopback))
    assert kept == ("v=0\r\na=candidate:2 1 udp 2122194687 127.0.0.1 50001 typ host\r\n"
                    "a=end-of-candidates\r\n")
    assert ice.local_addresses(loopback) == ["127.0.0.1"]
    assert not ice.allowed("name.local", loopback) and ice.allowed("127.0.0.9", loopback)


def test_a_restricted_process_gathers_only_inside_its_networks() -> None:
    try:
        ice.restrict_ice(["127.0.0.0/8"])
        assert aioice.ice.get_host_addresses(True, True) == ["127.0.0.1"]
        assert "192.0.2.2" not in ice.filter_candidates("a=candidate:1 1 udp 1 192.0.2.2 5 typ host\r\n")
    finally:
        ice.restrict_ice([])
    assert "127.0.0.1" not in aioice.ice.get_host_addresses(True, False)  # aioice's own rule again


def test_widget_origins_are_plain_origins() -> None:
    assert normalise_origin("HTTPS://Plumbing.Example:8443/") == "https://plumbing.example:8443"
    for bad in ("ftp://x.example", "https://x.example/page", "https://u:p@x.example", "x.example", "https://"):
        with pytest.raises(ValueError):
            normalise_origin(bad)
    allowed = WidgetCreate(allowed_origins=["https://a.example", "https://a.example/"]).allowed_origins
    assert allowed == ["https://a.example"]
    assert origin_allowed("https://a.example", allowed) and not origin_allowed("https://b.example", allowed)
    assert not origin_allowed(None, allowed) and origin_allowed(None, [])
    assert not origin_allowed("null", allowed)

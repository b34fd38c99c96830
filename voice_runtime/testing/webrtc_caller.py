"""A simulated browser caller: an aiortc peer that offers audio and a data channel to `POST /webrtc/offer`.

It follows the same scripts as the phone caller (`sim_caller`: say, pause, wait for the agent, interrupt, press
keys, hang up): its microphone is a track that plays its rendered lines in real time (silence otherwise), keys
and hangups go over the data channel as a browser sends them, and it listens to the agent's track, telling the
agent's speech from silence by level, so what it reports is what a person at the browser would have heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import time
from collections import deque
from collections.abc import Sequence

import httpx
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame

from voice_runtime.codec import Resampler, mulaw_to_pcm16
from voice_runtime.testing.sim_caller import (
    FRAME_S,
    CallerReport,
    Hangup,
    Interrupt,
    Pause,
    Press,
    Say,
    Step,
    WaitForAgent,
)
from voice_runtime.tts.base import TextToSpeech

MIC_RATE = 48_000
MIC_SAMPLES = MIC_RATE // 50
# The agent track sends digital silence while the agent is quiet and Opus gives it back as exact zeros, so any
# sound is the agent's audio, as any media frame is on a phone line (measured: idle 0.0, a reply's first frame 7).
HEARD_RMS = 1.0
QUIET_GAP_S = 0.3  # agent speech after this much quiet starts a new reply


class Microphone(MediaStreamTrack):
    """The caller's voice: queued 20 ms frames at 48 kHz, played on a real-time clock; silence otherwise."""

    kind = "audio"

    def __init__(self, report: CallerReport) -> None:
        super().__init__()
        self._report = report
        self._speech: deque[bytes] = deque()
        self.speech_done = asyncio.Event()
        self._start: float | None = None
        self._sent = 0
        self._speaking = False

    def say(self, pcm48k: bytes) -> None:
        """Queue speech (PCM16 at 48 kHz)."""
        self.speech_done.clear()
        step = MIC_SAMPLES * 2
        for i in range(0, len(pcm48k), step):
            chunk = pcm48k[i:i + step]
            self._speech.append(chunk + bytes(step - len(chunk)))

    async def recv(self) -> AudioFrame:
        """The next 20 ms of the caller's audio, at its time."""
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        elif (due := self._start + self._sent * FRAME_S) > now:
            await asyncio.sleep(due - now)
        chunk = self._speech.popleft() if self._speech else None
        self._track_speech(chunk is not None, time.monotonic())
        samples = np.frombuffer(chunk or bytes(MIC_SAMPLES * 2), dtype=np.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = MIC_RATE, self._sent * MIC_SAMPLES, fractions.Fraction(
            1, MIC_RATE)
        self._sent += 1
        return frame

    def _track_speech(self, speaking: bool, now: float) -> None:
        if speaking and not self._speaking:
            self._report.speech_started.append(now)
        elif not speaking and self._speaking:
            self._report.speech_ended.append(now - FRAME_S)
            self.speech_done.set()
        self._speaking = speaking


def to_48k(mulaw: bytes) -> bytes:
    """TTS audio (mu-law 8 kHz) as PCM16 at the microphone's rate."""
    return Resampler(8000, MIC_RATE).process(mulaw_to_pcm16(mulaw))


class WebRtcCaller:
    """One simulated browser call against a voice worker's `/webrtc/offer`."""

    def __init__(self, offer_url: str, token: str, tts: TextToSpeech | None, *,
                 audio: dict[str, bytes] | None = None) -> None:
        self.offer_url, self.token, self.tts = offer_url, token, tts
        self.audio: dict[str, bytes] = dict(audio or {})
        self.call_sid = ""
        self.report = CallerReport("")
        self.ended_reason: str | None = None
        self.agent_stops: list[float] = []  # when the agent's speech went quiet
        self._mic = Microphone(self.report)
        self._pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self._channel = self._pc.createDataChannel("revos")
        self._closed = asyncio.Event()
        self._last_heard = 0.0
        self._reply_start = 0.0

    async def render(self, texts: Sequence[str]) -> None:
        """Render lines ahead of the call, so speaking never waits for synthesis."""
        for text in texts:
            if text not in self.audio:
                if self.tts is None:
                    raise RuntimeError(f"no audio for {text!r} and no TTS to render it")
                self.audio[text] = b"".join([c async for c in self.tts.synthesize(text)])

    async def connect(self) -> None:
        """Offer, get the answer, wait for the data channel to open."""
        self._pc.addTrack(self._mic)
        self._pc.on("track", self._on_track)
        self._channel.on("message", self._on_message)
        opened = asyncio.Event()
        self._channel.on("open", opened.set)
        await self._pc.setLocalDescription(await self._pc.createOffer())
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.post(self.offer_url, json={"type": "offer", "sdp": self._pc.localDescription.sdp,
                                                               "token": self.token})
        response.raise_for_status()
        answer = response.json()
        self.call_sid = self.report.call_sid = answer["call_sid"]
        await self._pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        await asyncio.wait_for(opened.wait(), 20)

    async def run(self, script: Sequence[Step], *, max_seconds: float = 120.0) -> CallerReport:
        """Place the call, follow the script, hang up (unless the agent hung up first)."""
        await self.render([s.text for s in script if isinstance(s, Say | Interrupt)])
        await self.connect()
        try:
            await asyncio.wait_for(self._follow(script), max_seconds)
        except TimeoutError:
            self.report.timed_out.append("script")
        finally:
            if not self._closed.is_set():
                self._send({"type": "hangup"})
                await asyncio.sleep(0.2)
            await self.close()
        return self.report

    async def close(self) -> None:
        self._mic.stop()
        with contextlib.suppress(Exception):
            await self._pc.close()

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            asyncio.ensure_future(self._listen(track))

    def _on_message(self, message: object) -> None:
        with contextlib.suppress(ValueError, TypeError):
            data = json.loads(str(message))
            if isinstance(data, dict) and data.get("type") == "ended":
                self.ended_reason = str(data.get("reason"))
                self.report.closed_by_agent = True
                self._closed.set()
                self._mic.speech_done.set()

    async def _listen(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, AudioFrame)
                samples = frame.to_ndarray().astype(np.float32)
                self._on_agent_audio(float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0)
        self._closed.set()
        self._mic.speech_done.set()

    def _on_agent_audio(self, rms: float) -> None:
        now = time.monotonic()
        if rms >= HEARD_RMS:
            if now - self._last_heard > QUIET_GAP_S:
                self.report.agent_audio_starts.append(now)
                self._reply_start = now
            self.report.agent_frames += 1
            self.report.agent_frame_times.append(now)
            self._last_heard = now
        elif self._last_heard and self._reply_start and now - self._last_heard >= QUIET_GAP_S:
            self.agent_stops.append(self._last_heard + FRAME_S)
            self._reply_start = 0.0

    def _send(self, message: dict[str, str]) -> None:
        if self._channel.readyState == "open":
            self._channel.send(json.dumps(message))

    async def _follow(self, script: Sequence[Step]) -> None:
        for step in script:
            if self._closed.is_set():
                return
            if isinstance(step, Say):
                await self._say(step.text)
            elif isinstance(step, Pause):
                await self._wait_closed(step.seconds)
            elif isinstance(step, WaitForAgent):
                await self._wait_for_agent(step)
            elif isinstance(step, Interrupt):
                await self._interrupt(step)
            elif isinstance(step, Press):
                for digit in step.digits:
                    self._send({"type": "dtmf", "digit": digit})
                    await self._wait_closed(step.gap)
            elif isinstance(step, Hangup):
                return

    async def _wait_closed(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    async def _say(self, text: str) -> None:
        self._mic.say(to_48k(self.audio[text]))
        await self._mic.speech_done.wait()

    async def _wait_for_agent(self, step: WaitForAgent) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            now = time.monotonic()
            if self._last_heard > began and now - self._last_heard >= step.quiet:
                return
            await asyncio.sleep(0.02)
        if not self._closed.is_set():
            self.report.timed_out.append(f"wait_for_agent@{began:.1f}")

    async def _interrupt(self, step: Interrupt) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            now = time.monotonic()
            if self._reply_start and now - self._last_heard < 0.1 and now - self._reply_start >= step.after:
                await self._say(step.text)
                return
            await asyncio.sleep(0.01)
        self.report.timed_out.append(f"interrupt@{began:.1f}")

    def barge_in_reactions(self) -> list[float]:
        """For each time the agent went quiet while the caller spoke: seconds since that speech began."""
        out = []
        for stop in self.agent_stops:
            starts = [s for s in self.report.speech_started if s <= stop]
            ends = [e for e in self.report.speech_ended if e >= starts[-1]] if starts else []
            if starts and (not ends or stop <= ends[0] + 0.05):
                out.append(stop - starts[-1])
        return out


"""A simulated caller: speaks Twilio Media Streams to /twilio/media, like a phone on the other end.

It sends 20 ms frames continuously (its lines rendered by a TTS engine, silence otherwise),
presses keys, plays the agent's audio on a real-time playout clock (echoing each mark when the
audio before it has played, and at once after a `clear`, as Twilio does), and follows a timed
script: say, pause, wait for the agent, interrupt the agent mid-utterance, press digits, hang up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import websockets

from voice_runtime import twilio_serializer as tw
from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.tts.base import TextToSpeech

SILENCE = b"\xff" * MULAW_FRAME_BYTES
FRAME_S = 0.02


@dataclass(frozen=True)
class Say:
    """Speak a line (rendered with the caller's TTS)."""

    text: str


@dataclass(frozen=True)
class Pause:
    """Send silence for a while."""

    seconds: float


@dataclass(frozen=True)
class WaitForAgent:
    """Wait until the agent has said something and then been quiet for `quiet` seconds."""

    quiet: float = 0.6
    timeout: float = 30.0


@dataclass(frozen=True)
class Interrupt:
    """Wait until the agent has been heard for `after` seconds, then speak over it."""

    text: str
    after: float = 0.5
    timeout: float = 30.0


@dataclass(frozen=True)
class Press:
    """Press keys, `gap` seconds apart."""

    digits: str
    gap: float = 0.15


@dataclass(frozen=True)
class Hangup:
    """Send `stop` and close."""


Step = Say | Pause | WaitForAgent | Interrupt | Press | Hangup


@dataclass
class CallerReport:
    """What the caller observed (times are time.monotonic())."""

    call_sid: str
    agent_frames: int = 0
    agent_frame_times: list[float] = field(default_factory=list)
    clears: list[float] = field(default_factory=list)
    marks_echoed: list[str] = field(default_factory=list)
    speech_started: list[float] = field(default_factory=list)
    speech_ended: list[float] = field(default_factory=list)
    agent_audio_starts: list[float] = field(default_factory=list)  # first frame after a quiet gap
    closed_by_agent: bool = False
    timed_out: list[str] = field(default_factory=list)

    def barge_in_reactions(self) -> list[float]:
        """For each clear: seconds since the caller started the speech that caused it."""
        out = []
        for clear in self.clears:
            starts = [s for s in self.speech_started if s <= clear]
            if starts:
                out.append(clear - starts[-1])
        return out

    def voice_to_voice(self) -> list[float]:
        """For each agent reply: seconds from the caller's last speech frame to the reply's first frame."""
        out = []
        for end in self.speech_ended:
            after = [a for a in self.agent_audio_starts if a > end]
            if after:
                out.append(after[0] - end)
        return out


class SimCaller:
    """One simulated call against a voice worker."""

    def __init__(self, url: str, tts: TextToSpeech | None, *, params: dict[str, str] | None = None,
                 call_sid: str | None = None, audio: dict[str, bytes] | None = None) -> None:
        self.url = url
        self.tts = tts
        self.params = params or {}
        self.call_sid = call_sid or "CA" + uuid.uuid4().hex
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.audio: dict[str, bytes] = dict(audio or {})
        self.report = CallerReport(self.call_sid)
        self._speech: deque[bytes] = deque()
        self._speech_done = asyncio.Event()
        self._seq = 0
        self._playout_end = 0.0
        self._last_agent_frame = 0.0
        self._agent_utt_start = 0.0
        self._marks: dict[str, asyncio.TimerHandle] = {}
        self._ws: websockets.ClientConnection | None = None
        self._closed = asyncio.Event()

    async def render(self, texts: Sequence[str]) -> None:
        """Render lines ahead of the call, so speaking never waits for synthesis."""
        for text in texts:
            if text not in self.audio:
                if self.tts is None:
                    raise RuntimeError(f"no audio for {text!r} and no TTS to render it")
                self.audio[text] = b"".join([c async for c in self.tts.synthesize(text)])

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def run(self, script: Sequence[Step], *, max_seconds: float = 120.0) -> CallerReport:
        """Place the call, follow the script, hang up (unless the agent hung up first)."""
        await self.render([s.text for s in script if isinstance(s, Say | Interrupt)])
        async with websockets.connect(self.url, max_size=None) as ws:
            self._ws = ws
            await ws.send(tw.caller_connected())
            await ws.send(tw.caller_start(self.stream_sid, self.call_sid, self.params, self._next_seq()))
            tasks = [asyncio.create_task(self._send_audio()), asyncio.create_task(self._receive())]
            try:
                await asyncio.wait_for(self._follow(script), max_seconds)
            except TimeoutError:
                self.report.timed_out.append("script")
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if not self._closed.is_set():
                    with contextlib.suppress(Exception):
                        await ws.send(tw.caller_stop(self.stream_sid, self.call_sid, self._next_seq()))
        return self.report

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
                    await self._send(tw.caller_dtmf(self.stream_sid, digit, self._next_seq()))
                    await self._wait_closed(step.gap)
            elif isinstance(step, Hangup):
                return

    async def _wait_closed(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    async def _say(self, text: str) -> None:
        audio = self.audio[text]
        self._speech_done.clear()
        for i in range(0, len(audio), MULAW_FRAME_BYTES):
            chunk = audio[i:i + MULAW_FRAME_BYTES]
            self._speech.append(chunk + SILENCE[len(chunk):])
        await self._speech_done.wait()

    async def _wait_for_agent(self, step: WaitForAgent) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            now = time.monotonic()
            heard = self._last_agent_frame > began
            if heard and now >= self._playout_end + step.quiet and now - self._last_agent_frame >= step.quiet:
                return
            await asyncio.sleep(0.02)
        if not self._closed.is_set():
            self.report.timed_out.append(f"wait_for_agent@{began:.1f}")

    async def _interrupt(self, step: Interrupt) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            now = time.monotonic()
            if self._agent_utt_start and self._playout_end > now and now - self._agent_utt_start >= step.after:
                await self._say(step.text)
                return
            await asyncio.sleep(0.01)
        self.report.timed_out.append(f"interrupt@{began:.1f}")

    async def _send(self, message: str) -> None:
        if self._ws is not None and not self._closed.is_set():
            with contextlib.suppress(Exception):
                await self._ws.send(message)

    async def _send_audio(self) -> None:
        due, chunk_no, speaking = time.monotonic(), 0, False
        while not self._closed.is_set():
            frame = self._speech.popleft() if self._speech else None
            now = time.monotonic()
            if frame is not None and not speaking:
                speaking = True
                self.report.speech_started.append(now)
            elif frame is None and speaking:
                speaking = False
                self.report.speech_ended.append(now - FRAME_S)
                self._speech_done.set()
            chunk_no += 1
            await self._send(tw.caller_media(self.stream_sid, frame or SILENCE, chunk_no, chunk_no * 20,
                                             self._next_seq()))
            due += FRAME_S
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    async def _receive(self) -> None:
        assert self._ws is not None
        loop = asyncio.get_running_loop()
        try:
            async for raw in self._ws:
                message = tw.parse_outbound(raw)
                now = time.monotonic()
                if message.event == "media":
                    self._on_media(now)
                elif message.event == "mark":
                    delay = max(0.0, self._playout_end - now)
                    self._marks[message.name] = loop.call_at(loop.time() + delay, self._echo_mark, message.name)
                elif message.event == "clear":
                    self.report.clears.append(now)
                    self._playout_end = now
                    self._agent_utt_start = 0.0
                    for name, handle in list(self._marks.items()):  # Twilio echoes cleared marks at once
                        handle.cancel()
                        self._echo_mark(name)
        except websockets.ConnectionClosed:
            pass
        self.report.closed_by_agent = True
        self._closed.set()
        self._speech_done.set()

    def _on_media(self, now: float) -> None:
        self.report.agent_frames += 1
        self.report.agent_frame_times.append(now)
        if self._playout_end < now:
            if now - self._last_agent_frame > 0.3:
                self.report.agent_audio_starts.append(now)
                self._agent_utt_start = now
            self._playout_end = now
        self._playout_end += FRAME_S
        self._last_agent_frame = now

    def _echo_mark(self, name: str) -> None:
        self._marks.pop(name, None)
        self.report.marks_echoed.append(name)
        task = asyncio.ensure_future(self._send(tw.caller_mark(self.stream_sid, name, self._next_seq())))
        task.add_done_callback(lambda _t: None)


async def dial(base_url: str, to: str, tts: TextToSpeech | None, *, caller: str = "+61400000001",
               audio: dict[str, bytes] | None = None) -> SimCaller:
    """POST the voice webhook for a call to `to`, then return a caller for the <Stream> it names."""
    call_sid = "CA" + uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/twilio/voice", data={"CallSid": call_sid, "From": caller, "To": to})
    response.raise_for_status()
    stream = ET.fromstring(response.text).find("./Connect/Stream")
    if stream is None:
        raise RuntimeError(f"the voice worker did not connect a stream: {response.text}")
    params = {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}
    return SimCaller(stream.attrib["url"], tts, params=params, call_sid=call_sid, audio=audio)

"""A simulated caller: speaks Twilio Media Streams to /twilio/media, like a phone on the other end.

It sends 20 ms frames continuously (its lines rendered by a TTS engine, silence otherwise),
presses keys, plays the agent's audio on a real-time playout clock (echoing each mark when the
audio before it has played, and at once after a `clear`, as Twilio does), and follows a timed
script: say, pause, wait for the agent, interrupt the agent mid-utterance, press digits, hang up.
A noisy line sends its hiss (`idle`) instead of digital silence; everything sent is kept (`sent`), so a
call's caller leg can be saved as it reached the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx
import websockets
from twilio.request_validator import RequestValidator

from voice_runtime.codec import MULAW_FRAME_BYTES
from voice_runtime.testing import twilio_caller as tw
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
class WaitForAgentSpeech:
    """Wait until the agent starts saying something new (a caller who is ready to talk over it)."""

    timeout: float = 30.0


@dataclass(frozen=True)
class Interrupt:
    """Wait until the agent has been heard for `after` seconds, then speak over it.

    With `else_say`, a line the agent finishes before `after` is said once it has been quiet for `quiet`.
    """

    text: str
    after: float = 0.5
    timeout: float = 30.0
    else_say: bool = False
    quiet: float = 0.6


@dataclass(frozen=True)
class Press:
    """Press keys, `gap` seconds apart."""

    digits: str
    gap: float = 0.15


@dataclass(frozen=True)
class Hangup:
    """Send `stop` and close."""


@dataclass(frozen=True)
class Decide:
    """Ask `next` what to do now (a caller reacting to what it heard) and follow the steps it returns."""

    next: Callable[[], Awaitable[Sequence[Step]]]


Step = Say | Pause | WaitForAgent | WaitForAgentSpeech | Interrupt | Press | Hangup | Decide


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
    late_frames: int = 0  # agent frames that arrived after the playout ran dry mid-utterance (a gap heard)
    barged: int = 0  # times the caller started talking while the agent was being heard
    hung_up: bool = False

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
                 call_sid: str | None = None, audio: dict[str, bytes] | None = None,
                 idle: bytes | None = None) -> None:
        self.url = url
        self.tts = tts
        self.params = params or {}
        self.call_sid = call_sid or "CA" + uuid.uuid4().hex
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.audio: dict[str, bytes] = audio if audio is not None else {}  # shared: a line is rendered once
        self.report = CallerReport(self.call_sid)
        self.idle = idle or SILENCE  # what the line carries while the caller is quiet, looped
        self.sent = bytearray()  # every frame sent, 20 ms each from the stream's start
        self._speech: deque[bytes] = deque()
        self._speech_done = asyncio.Event()
        self._seq = 0
        self._playout_end = 0.0
        self._last_agent_frame = 0.0
        self._agent_utt_start = 0.0
        self._marks: dict[str, asyncio.TimerHandle] = {}
        self._ws: websockets.ClientConnection | None = None
        self._closed = asyncio.Event()
        # The phone line between the caller and Twilio: it gets every 20 ms mu-law frame sent (e.g. adds hiss).
        self.line: Callable[[bytes], bytes] | None = None

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
            elif isinstance(step, WaitForAgentSpeech):
                await self._wait_for_speech(step)
            elif isinstance(step, Interrupt):
                await self._interrupt(step)
            elif isinstance(step, Press):
                for digit in step.digits:
                    await self._send(tw.caller_dtmf(self.stream_sid, digit, self._next_seq()))
                    await self._wait_closed(step.gap)
            elif isinstance(step, Hangup):
                self.report.hung_up = True
                return
            elif isinstance(step, Decide):
                await self._follow(await step.next())

    async def _wait_closed(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    async def _say(self, text: str) -> None:
        await self.render([text])  # a line decided during the call is rendered when it is first said
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

    async def _wait_for_speech(self, step: WaitForAgentSpeech) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            if self._agent_utt_start > began and self._playout_end > time.monotonic():
                return
            await asyncio.sleep(0.01)
        if not self._closed.is_set():
            self.report.timed_out.append(f"wait_for_agent_speech@{began:.1f}")

    async def _interrupt(self, step: Interrupt) -> None:
        began = time.monotonic()
        while time.monotonic() - began < step.timeout and not self._closed.is_set():
            now = time.monotonic()
            if self._agent_utt_start and self._playout_end > now and now - self._agent_utt_start >= step.after:
                self.report.barged += 1
                await self._say(step.text)
                return
            quiet = now - max(self._playout_end, self._last_agent_frame)
            if step.else_say and self._last_agent_frame > 0 and quiet >= step.quiet:
                await self._say(step.text)  # the agent finished first: answer it
                return
            await asyncio.sleep(0.01)
        self.report.timed_out.append(f"interrupt@{began:.1f}")

    async def _send(self, message: str) -> None:
        if self._ws is not None and not self._closed.is_set():
            with contextlib.suppress(Exception):
                await self._ws.send(message)

    def _idle_frame(self, chunk_no: int) -> bytes:
        start = (chunk_no * MULAW_FRAME_BYTES) % len(self.idle)
        frame = self.idle[start:start + MULAW_FRAME_BYTES]
        return (frame + self.idle)[:MULAW_FRAME_BYTES]

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
            payload = frame or self._idle_frame(chunk_no)
            if self.line is not None:
                payload = self.line(payload)
            self.sent += payload
            await self._send(tw.caller_media(self.stream_sid, payload, chunk_no, chunk_no * 20, self._next_seq()))
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
            elif self._last_agent_frame:
                self.report.late_frames += 1  # the caller heard a gap inside the agent's words
            self._playout_end = now
        self._playout_end += FRAME_S
        self._last_agent_frame = now

    def _echo_mark(self, name: str) -> None:
        self._marks.pop(name, None)
        self.report.marks_echoed.append(name)
        task = asyncio.ensure_future(self._send(tw.caller_mark(self.stream_sid, name, self._next_seq())))
        task.add_done_callback(lambda _t: None)


async def dial(base_url: str, to: str, tts: TextToSpeech | None, *, caller: str = "+61400000001",
               audio: dict[str, bytes] | None = None, headers: dict[str, str] | None = None,
               twilio_auth_token: str | None = None, signed_url: str | None = None,
               reach_stream_at: str | None = None, idle: bytes | None = None) -> SimCaller:
    """POST the voice webhook for a call to `to`, then return a caller for the <Stream> it names.

    `twilio_auth_token` signs the request as Twilio does (over `signed_url`, the URL the worker checks against);
    `reach_stream_at` replaces the stream URL's origin (a worker behind a public URL, dialled from inside).
    """
    call_sid = "CA" + uuid.uuid4().hex
    form = {"CallSid": call_sid, "From": caller, "To": to}
    sent = dict(headers or {})
    if twilio_auth_token:
        url = signed_url or base_url.rstrip("/") + "/twilio/voice"
        sent["X-Twilio-Signature"] = RequestValidator(twilio_auth_token).compute_signature(url, form)
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post("/twilio/voice", data=form, headers=sent)
    response.raise_for_status()
    stream = ET.fromstring(response.text).find("./Connect/Stream")
    if stream is None:
        raise RuntimeError(f"the voice worker did not connect a stream: {response.text}")
    params = {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}
    url = stream.attrib["url"]
    if reach_stream_at:
        url = reach_stream_at.rstrip("/") + "/" + url.split("://", 1)[1].split("/", 1)[1]
    return SimCaller(url, tts, params=params, call_sid=call_sid, audio=audio, idle=idle)

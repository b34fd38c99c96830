"""Cloud STT: Deepgram live streaming through the official `deepgram-sdk` (v1 listen websocket).

Audio goes out as linear16 16 kHz; Deepgram answers `Results` (interim and `is_final` segments, `speech_final` at
its endpoint), `UtteranceEnd`, `Metadata`, `Error`. One final per utterance: the `is_final` segments joined, on
`speech_final`, `UtteranceEnd` or a `Finalize` flush. Idle sockets get `KeepAlive`; `close` sends `CloseStream`.
A dropped connection is reopened (bounded, with backoff) and the audio after the last finalized segment replayed,
so no speech is lost or transcribed twice: the stream holds what survives a reconnect, a private `_Connection`
speaks the protocol on one socket. A rejected key raises `SpeechEngineAuthError` from `open`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from websockets.exceptions import ConnectionClosed

from voice_runtime.engines.errors import SpeechEngineAuthError, SpeechEngineError
from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript

log = logging.getLogger(__name__)
_BYTES_PER_SECOND = STT_SAMPLE_RATE * 2
# Deepgram closes with 1008 for data it cannot decode (DATA-0000): reconnecting would fail again.
_FATAL_CLOSE_CODES = {1008}


class DeepgramStt:
    """`SpeechToText` on Deepgram; one client per process, one websocket per session."""

    name = "deepgram"
    supports_hints = True  # key terms (nova-3) or boosted keywords

    def __init__(self, api_key: str, *, url: str = "wss://api.deepgram.com", model: str = "nova-3",
                 language: str = "en-AU", endpointing_ms: int = 300, utterance_end_ms: int = 1000,
                 keepalive_s: float = 4.0, max_reconnects: int = 3, reconnect_delay_s: float = 0.2,
                 finalize_timeout_s: float = 1.0, connect_timeout_s: float = 10.0) -> None:
        from deepgram import AsyncDeepgramClient
        from deepgram.environment import DeepgramClientEnvironment

        http_url = url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
        environment = DeepgramClientEnvironment(base=http_url, production=url, agent=url, agent_rest=http_url)
        self._client = AsyncDeepgramClient(api_key=api_key, environment=environment)
        self.model, self.language = model, language
        self.endpointing_ms, self.utterance_end_ms, self.keepalive_s = endpointing_ms, utterance_end_ms, keepalive_s
        self.max_reconnects, self.reconnect_delay_s = max_reconnects, reconnect_delay_s
        self.finalize_timeout_s, self.connect_timeout_s = finalize_timeout_s, connect_timeout_s

    async def open(self, *, hints: Sequence[str] | None = None) -> DeepgramStream:
        """Connect (raising `SpeechEngineAuthError` for a rejected key) and start streaming."""
        stream = DeepgramStream(self, list(hints or [])[:50])
        await stream.start()
        return stream

    def connect(self, hints: list[str]) -> AbstractAsyncContextManager[Any]:
        """One live websocket via the SDK, with this deployment's options."""
        terms: dict[str, Any] = {}
        if hints:
            # Nova-3 takes key terms; older models take boosted keywords.
            terms = {"keyterm": hints} if self.model.startswith("nova-3") else {"keywords": hints}
        return self._client.listen.v1.connect(  # type: ignore[no-any-return]
            model=self.model, language=self.language, encoding="linear16", sample_rate=str(STT_SAMPLE_RATE),
            channels="1", interim_results="true", punctuate="true", endpointing=str(self.endpointing_ms),
            utterance_end_ms=str(self.utterance_end_ms), vad_events="true", **terms,
        )


class DeepgramStream:
    """One call's session: owns reconnects; each connection's protocol runs in a `_Connection`."""

    def __init__(self, engine: DeepgramStt, hints: list[str]) -> None:
        self.engine = engine
        self.hints = hints
        self.outbox: deque[bytes | str] = deque()  # audio or a control message type, sent in order
        self.wake = asyncio.Event()
        self.results_queue: asyncio.Queue[Transcript | BaseException | None] = asyncio.Queue()
        self.replay: deque[tuple[float, bytes]] = deque()  # (stream time, audio) after the last final segment
        self.sent_s = 0.0  # audio seconds handed to any connection
        self.committed: list[str] = []
        self.interim = ""
        self.utt_start_s: float | None = None
        self.utt_end_s = 0.0
        self.finalize_waiter: asyncio.Future[None] | None = None
        self.closing = False
        self.failed = False
        self.connections = 0
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), self.engine.connect_timeout_s)
        except BaseException as exc:
            self.closing = True
            self._task.cancel()
            if isinstance(exc, TimeoutError):
                raise SpeechEngineError("deepgram", "timed out connecting") from None
            raise

    async def send(self, pcm16: bytes) -> None:
        """Queue 16 kHz PCM16 for the websocket; returns at once."""
        if not self.closing and pcm16:
            self._push(pcm16)

    async def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals; raises `SpeechEngineError` if the session failed for good."""
        while (item := await self.results_queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    async def finalize(self) -> None:
        """Flush Deepgram (`Finalize`); the utterance in progress becomes a final before this returns."""
        unsent = bool(self.replay) or any(isinstance(item, bytes) for item in self.outbox)
        if self.closing or not (self.committed or self.interim or unsent):
            return
        self.finalize_waiter = asyncio.get_running_loop().create_future()
        self._push("Finalize")
        try:
            await asyncio.wait_for(asyncio.shield(self.finalize_waiter), self.engine.finalize_timeout_s)
        except TimeoutError:
            log.info("deepgram: no from_finalize result in time; using the latest hypothesis")
        self.emit_final(include_interim=True)

    async def close(self) -> None:
        """`CloseStream`, wait briefly for the last results, then end `results`."""
        if self.closing:
            if self.failed and self._task is not None:
                self._task.cancel()
            return
        self.closing = True
        self._push("CloseStream")
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), self.engine.finalize_timeout_s + 1)
            except TimeoutError:
                self._task.cancel()
        self.emit_final(include_interim=True)
        self.results_queue.put_nowait(None)

    def _push(self, item: bytes | str) -> None:
        self.outbox.append(item)
        self.wake.set()

    def emit_final(self, *, include_interim: bool) -> None:
        """Join the committed segments (and optionally the interim) into one final."""
        parts = [*self.committed, self.interim] if include_interim and self.interim else list(self.committed)
        if parts:
            start = int((self.utt_start_s or 0.0) * 1000)
            self.results_queue.put_nowait(Transcript(" ".join(parts), True, None, start, int(self.utt_end_s * 1000)))
        self.committed, self.interim, self.utt_start_s = [], "", None

    def trim_replay(self, finalized_until_s: float) -> None:
        while self.replay and self.replay[0][0] + len(self.replay[0][1]) / _BYTES_PER_SECOND <= finalized_until_s:
            self.replay.popleft()

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                async with self.engine.connect(self.hints) as socket:
                    self.connections += 1
                    if not self._ready.done():
                        self._ready.set_result(None)
                    connection = _Connection(self, socket)
                    try:
                        await connection.run()
                    finally:
                        failures = 0 if connection.progressed else failures  # only drops in a row count
            except SpeechEngineError as exc:
                self.fail(exc)
                return
            except Exception as exc:
                status = getattr(exc, "status_code", None)
                if status in (401, 403):
                    self.fail(SpeechEngineAuthError("deepgram", f"API key rejected (HTTP {status})", status=status))
                    return
                log.warning("deepgram connection dropped: %r", exc)
            if self.closing:
                return
            failures += 1
            if failures > self.engine.max_reconnects:
                self.fail(SpeechEngineError("deepgram", f"connection lost {failures} times in a row; giving up"))
                return
            await asyncio.sleep(self.engine.reconnect_delay_s * failures)

    def fail(self, error: SpeechEngineError) -> None:
        """End the session with `error` (no reconnect): `open` or `results` raises it."""
        if not self._ready.done():
            self._ready.set_exception(error)
            return
        if self.failed:
            return
        self.failed = self.closing = True
        self.emit_final(include_interim=True)
        self.results_queue.put_nowait(error)
        self.results_queue.put_nowait(None)


class _Connection:
    """One live websocket: runs until it closes; returns whether the server produced any result."""

    def __init__(self, stream: DeepgramStream, socket: Any) -> None:
        self.stream = stream
        self.socket = socket
        replay = list(stream.replay)
        self.replay = [chunk for _, chunk in replay]
        # Stream time of this connection's t=0: the first replayed sample, or the next new one.
        self.offset_s = replay[0][0] if replay else stream.sent_s
        self.progressed = False

    async def run(self) -> bool:
        sender = asyncio.create_task(self._send())
        dropped: ConnectionClosed | None = None
        try:
            async for message in self.socket:
                self._handle(message)
        except ConnectionClosed as exc:
            dropped = exc
        finally:
            sender.cancel()
            with contextlib.suppress(BaseException):
                await sender
        code = getattr(self.socket._websocket, "close_code", None)
        if code in _FATAL_CLOSE_CODES:
            reason = getattr(self.socket._websocket, "close_reason", "")
            raise SpeechEngineError("deepgram", f"stream closed by the server ({code} {reason})")
        if dropped is not None:
            raise dropped
        return self.progressed

    async def _send(self) -> None:
        stream = self.stream
        for chunk in self.replay:
            await self.socket.send_media(chunk)
        while True:
            while not stream.outbox:
                stream.wake.clear()
                try:
                    await asyncio.wait_for(stream.wake.wait(), stream.engine.keepalive_s)
                except TimeoutError:
                    await self.socket.send_keep_alive()
            item = stream.outbox[0]
            if isinstance(item, bytes):
                await self.socket.send_media(item)
                stream.replay.append((stream.sent_s, item))
                stream.sent_s += len(item) / _BYTES_PER_SECOND
            elif item == "Finalize":
                await self.socket.send_finalize()
            else:
                await self.socket.send_close_stream()
            stream.outbox.popleft()  # only once sent: a drop mid-send keeps it for the next connection
            if item == "CloseStream":
                return

    def _handle(self, message: Any) -> None:
        kind = getattr(message, "type", None)
        if kind == "Results":
            self.progressed = True
            self._on_results(message)
        elif kind == "UtteranceEnd":
            if self.stream.committed:
                self.stream.emit_final(include_interim=False)
        elif kind == "Error":
            # Fatal for this session: surface it now; the server closes the socket next.
            description = getattr(message, "description", "") or getattr(message, "message", "")
            self.stream.fail(SpeechEngineError("deepgram", f"{getattr(message, 'variant', 'error')}: {description}"))

    def _on_results(self, message: Any) -> None:
        stream = self.stream
        alternatives = message.channel.alternatives
        alternative = alternatives[0] if alternatives else None
        text = alternative.transcript.strip() if alternative is not None else ""
        start = self.offset_s + float(message.start)
        end = start + float(message.duration)
        if text and stream.utt_start_s is None:
            words = alternative.words if alternative is not None else []
            stream.utt_start_s = self.offset_s + float(words[0].start) if words else start
        if message.is_final:
            if text:
                stream.committed.append(text)
                stream.utt_end_s = end
            stream.interim = ""
            stream.trim_replay(end)
            if message.speech_final or message.from_finalize:
                stream.emit_final(include_interim=False)
            if message.from_finalize and stream.finalize_waiter is not None and not stream.finalize_waiter.done():
                stream.finalize_waiter.set_result(None)
        elif text and text != stream.interim:
            stream.interim, stream.utt_end_s = text, end
            confidence = float(alternative.confidence) if alternative is not None else None
            partial = " ".join([*stream.committed, text])
            first_ms = int((stream.utt_start_s or start) * 1000)
            stream.results_queue.put_nowait(Transcript(partial, False, confidence, first_ms, int(end * 1000)))

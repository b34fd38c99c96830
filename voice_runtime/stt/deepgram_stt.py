"""Cloud STT: Deepgram live streaming through the official `deepgram-sdk` (v1 listen websocket).

Audio goes out as binary linear16 16 kHz frames; Deepgram answers with `Results` (interim and
`is_final` segments, `speech_final` at its endpoint), `UtteranceEnd`, `Metadata` and `Error`.
One port-level final is emitted per utterance: the `is_final` segments joined, on `speech_final`,
`UtteranceEnd` or a `Finalize` flush. Idle connections get `KeepAlive`; `close` sends `CloseStream`.

When the connection drops, the session reconnects (bounded, with backoff) and replays the audio
after the last finalized segment, so no speech is lost and nothing is transcribed twice.
A rejected key raises `SpeechEngineAuthError` from `open`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.deepgram_session import DeepgramSession
from voice_runtime.stt.errors import SpeechEngineAuthError, SpeechEngineError

log = logging.getLogger(__name__)
_BYTES_PER_SECOND = STT_SAMPLE_RATE * 2


class DeepgramStt:
    """`SpeechToText` on Deepgram; one client per process, one websocket per session."""

    name = "deepgram"

    def __init__(
        self,
        api_key: str,
        *,
        url: str = "wss://api.deepgram.com",
        model: str = "nova-3",
        language: str = "en-AU",
        endpointing_ms: int = 300,
        utterance_end_ms: int = 1000,
        keepalive_s: float = 4.0,
        max_reconnects: int = 3,
        reconnect_delay_s: float = 0.2,
        finalize_timeout_s: float = 1.0,
        connect_timeout_s: float = 10.0,
    ) -> None:
        from deepgram import AsyncDeepgramClient
        from deepgram.environment import DeepgramClientEnvironment

        http_url = url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
        environment = DeepgramClientEnvironment(base=http_url, production=url, agent=url, agent_rest=http_url)
        self._client = AsyncDeepgramClient(api_key=api_key, environment=environment)
        self.model = model
        self.language = language
        self.endpointing_ms = endpointing_ms
        self.utterance_end_ms = utterance_end_ms
        self.keepalive_s = keepalive_s
        self.max_reconnects = max_reconnects
        self.reconnect_delay_s = reconnect_delay_s
        self.finalize_timeout_s = finalize_timeout_s
        self.connect_timeout_s = connect_timeout_s

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
            model=self.model,
            language=self.language,
            encoding="linear16",
            sample_rate=str(STT_SAMPLE_RATE),
            channels="1",
            interim_results="true",
            punctuate="true",
            endpointing=str(self.endpointing_ms),
            utterance_end_ms=str(self.utterance_end_ms),
            vad_events="true",
            **terms,
        )


class DeepgramStream:
    """One call's session: owns reconnects; the per-connection protocol lives in `DeepgramSession`."""

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

    def results(self) -> AsyncIterator[Transcript]:
        """Partials and finals; raises `SpeechEngineError` if the session failed for good."""
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Transcript]:
        while (item := await self.results_queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    async def finalize(self) -> None:
        """Flush Deepgram (`Finalize`); the utterance in progress becomes a final before this returns."""
        if self.closing or not (self.committed or self.interim or self._unsent_audio()):
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

    def _unsent_audio(self) -> bool:
        return any(isinstance(item, bytes) for item in self.outbox) or bool(self.replay)

    # --- called by DeepgramSession -------------------------------------------------------------

    def emit(self, transcript: Transcript) -> None:
        self.results_queue.put_nowait(transcript)

    def emit_final(self, *, include_interim: bool) -> None:
        """Join the committed segments (and optionally the interim) into one final."""
        parts = [*self.committed, self.interim] if include_interim and self.interim else list(self.committed)
        if parts:
            start = int((self.utt_start_s or 0.0) * 1000)
            self.emit(Transcript(" ".join(parts), True, None, start, int(self.utt_end_s * 1000)))
        self.committed, self.interim, self.utt_start_s = [], "", None

    def trim_replay(self, finalized_until_s: float) -> None:
        while self.replay and self.replay[0][0] + len(self.replay[0][1]) / _BYTES_PER_SECOND <= finalized_until_s:
            self.replay.popleft()

    # --- connection lifecycle ------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                async with self.engine.connect(self.hints) as socket:
                    self.connections += 1
                    if not self._ready.done():
                        self._ready.set_result(None)
                    session = DeepgramSession(self, socket)
                    try:
                        await session.run()
                    finally:
                        failures = 0 if session.progressed else failures  # only drops in a row count
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

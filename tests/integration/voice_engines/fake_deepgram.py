"""A local server speaking Deepgram's live streaming protocol (`/v1/listen` websocket), for tests.

It follows the documented wire format: `Authorization: Token <key>` (401 otherwise); binary
linear16 audio in; JSON `Results` (interim, `is_final`, `speech_final`, `from_finalize`),
`UtteranceEnd`, `Metadata` out; `KeepAlive`, `Finalize`, `CloseStream` in; close 1011 (NET-0001)
when idle and 1008 (DATA-0000) for undecodable audio. Instead of a model it "recognises" the next
line of a script, timed by an energy VAD on the audio it actually receives, so the client's
framing, timing, reconnects and errors are exercised for real.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from voice_runtime.vad import Vad


@dataclass
class ConnectionLog:
    """What one client connection sent: query, headers and every frame (kind, size or message type)."""

    query: dict[str, list[str]]
    authorization: str
    frames: list[tuple[str, Any]] = field(default_factory=list)
    audio_bytes: int = 0
    close_code: int | None = None


class FakeDeepgram:
    """Start with `await server.start()`; `url` is then `ws://127.0.0.1:<port>`."""

    def __init__(
        self,
        script: list[str],
        *,
        api_key: str = "test-key",
        ms_per_word: int = 200,
        interim_every_ms: int = 100,
        segment_ms: int = 1200,
        idle_timeout_s: float = 10.0,
        drop_after_bytes: int | None = None,
        drop_with_close_code: int | None = None,
        reject_audio: bool = False,
        speech_final: bool = True,
        error_after_bytes: int | None = None,
    ) -> None:
        self.script = script
        self.api_key = api_key
        self.ms_per_word = ms_per_word
        self.interim_every_ms = interim_every_ms
        self.segment_ms = segment_ms
        self.idle_timeout_s = idle_timeout_s
        self.drop_after_bytes = drop_after_bytes  # first connection only
        self.drop_with_close_code = drop_with_close_code  # None: abort the TCP connection
        self.reject_audio = reject_audio
        self.error_after_bytes = error_after_bytes  # send an `Error` message, then close 1011
        self.speech_final = speech_final  # False: endpoints only finalise segments; UtteranceEnd closes turns
        self.line = 0
        self.connections: list[ConnectionLog] = []
        self._server: Server | None = None
        self.url = ""

    async def start(self) -> str:
        # An unbounded queue: a handler busy closing must still read the client's close frame.
        self._server = await serve(self._handle, "127.0.0.1", 0, process_request=self._authorize, max_queue=None)
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _authorize(self, connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path != "/v1/listen":
            return connection.respond(404, "Not Found\n")
        if request.headers.get("Authorization") != f"Token {self.api_key}":
            body = json.dumps({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."})
            return Response(401, "Unauthorized", Headers([("Content-Type", "application/json")]), body.encode())
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        log = ConnectionLog(
            query=parse_qs(urlsplit(connection.request.path).query),
            authorization=connection.request.headers.get("Authorization", ""),
        )
        self.connections.append(log)
        session = _Session(self, connection, log)
        try:
            await session.serve()
        finally:
            log.close_code = connection.close_code


class _Session:
    """One connection's recogniser state (the script position is shared across reconnects)."""

    def __init__(self, server: FakeDeepgram, connection: ServerConnection, log: ConnectionLog) -> None:
        self.server = server
        self.ws = connection
        self.log = log
        endpointing = int(log.query.get("endpointing", ["300"])[0])
        self.utterance_end_ms = int(log.query.get("utterance_end_ms", ["0"])[0])
        self.interim = log.query.get("interim_results", ["false"])[0] == "true"
        self.vad = Vad(hangover_ms=endpointing, start_ms=40)
        self.rate = int(log.query.get("sample_rate", ["16000"])[0])
        self.clock_ms = 0.0
        self.pending = b""
        self.request_id = str(uuid.uuid4())
        self._reset_utterance()
        self.utterance_end_due: float | None = None

    def _reset_utterance(self) -> None:
        self.voiced_ms = 0.0
        self.committed_words = 0
        self.segment_voiced_ms = 0.0
        self.last_interim_ms = 0.0
        self.utt_start_ms: float | None = None
        self.last_word_end_ms = 0.0

    async def serve(self) -> None:
        while True:
            try:
                message = await asyncio.wait_for(self.ws.recv(), self.server.idle_timeout_s)
            except TimeoutError:
                await self.ws.close(1011, "NET-0001")
                return
            except Exception:
                return
            if isinstance(message, bytes):
                if not await self._on_audio(message):
                    return
            elif not await self._on_control(json.loads(message)):
                return

    async def _on_control(self, message: dict[str, Any]) -> bool:
        kind = message.get("type")
        self.log.frames.append(("text", kind))
        if kind == "Finalize":
            await self._final(from_finalize=True)
        elif kind == "CloseStream":
            if self.utt_start_ms is not None:
                await self._final(speech_final=True)
            await self.ws.send(json.dumps(self._metadata()))
            await self.ws.close(1000)
            return False
        return True

    async def _on_audio(self, audio: bytes) -> bool:
        self.log.frames.append(("audio", len(audio)))
        self.log.audio_bytes += len(audio)
        if self.server.reject_audio:
            await self.ws.close(1008, "DATA-0000")
            return False
        if self.server.error_after_bytes is not None and self.log.audio_bytes >= self.server.error_after_bytes:
            error = {
                "type": "Error",
                "variant": "INTERNAL",
                "description": "Internal server error.",
                "code": "NET-0000",
            }
            await self.ws.send(json.dumps(error))
            await self.ws.close(1011, "NET-0000")
            return False
        drop = self.server.drop_after_bytes
        if drop is not None and len(self.server.connections) == 1 and self.log.audio_bytes >= drop:
            if self.server.drop_with_close_code is None:
                self.ws.transport.abort()
            else:
                await self.ws.close(self.server.drop_with_close_code, "NET-0000")
            return False
        data = self.pending + audio
        step = self.rate * 2 * 20 // 1000
        usable = len(data) - len(data) % step
        self.pending = data[usable:]
        for start in range(0, usable, step):
            await self._on_frame(data[start : start + step])
        return True

    async def _on_frame(self, frame: bytes) -> None:
        result = self.vad.process(frame, self.rate)
        self.clock_ms += 20.0
        if result.frame_voiced and self.vad.in_speech:
            if self.utt_start_ms is None:
                self.utt_start_ms = self.clock_ms - 20.0 - self.vad.start_ms
            self.voiced_ms += 20.0
            self.segment_voiced_ms += 20.0
            self.last_word_end_ms = self.clock_ms
            if self.segment_voiced_ms >= self.server.segment_ms:
                await self._segment_final()
            elif self.interim and self.clock_ms - self.last_interim_ms >= self.server.interim_every_ms:
                await self._send_results(self._heard_words()[self.committed_words :], is_final=False)
                self.last_interim_ms = self.clock_ms
        if result.speech_ended and self.utt_start_ms is not None:
            await self._final(speech_final=self.server.speech_final)
            self.utterance_end_due = self.last_word_end_ms + self.utterance_end_ms
        if self.utterance_end_due is not None and self.clock_ms >= self.utterance_end_due:
            await self.ws.send(
                json.dumps({"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": self.last_word_end_ms / 1000})
            )
            self.utterance_end_due = None

    def _words(self) -> list[str]:
        return self.server.script[self.server.line % len(self.server.script)].split() if self.server.script else []

    def _heard_words(self) -> list[str]:
        words = self._words()
        return words[: min(len(words), max(1, int(self.voiced_ms // self.server.ms_per_word)))]

    async def _segment_final(self) -> None:
        heard = self._heard_words()[self.committed_words :]
        await self._send_results(heard, is_final=True)
        self.committed_words += len(heard)
        self.segment_voiced_ms = 0.0

    async def _final(self, *, speech_final: bool = False, from_finalize: bool = False) -> None:
        """The utterance ends: the rest of the line (all of it once speech has ended) is final."""
        words = self._words()[self.committed_words :] if self.utt_start_ms is not None else []
        await self._send_results(words, is_final=True, speech_final=speech_final, from_finalize=from_finalize)
        if self.utt_start_ms is not None:
            self.server.line += 1
        self._reset_utterance()

    async def _send_results(self, words: list[str], **flags: bool) -> None:
        start_ms = self.utt_start_ms if self.utt_start_ms is not None else self.clock_ms
        span = max(20.0, self.last_word_end_ms - start_ms)
        per_word = span / max(1, len(words))
        items = [
            {
                "word": w,
                "start": (start_ms + i * per_word) / 1000,
                "end": (start_ms + (i + 1) * per_word) / 1000,
                "confidence": 0.97,
                "punctuated_word": w,
            }
            for i, w in enumerate(words)
        ]
        await self.ws.send(
            json.dumps(
                {
                    "type": "Results",
                    "channel_index": [0, 1],
                    "duration": span / 1000,
                    "start": start_ms / 1000,
                    "is_final": flags.get("is_final", False),
                    "speech_final": flags.get("speech_final", False),
                    "from_finalize": flags.get("from_finalize", False),
                    "channel": {"alternatives": [{"transcript": " ".join(words), "confidence": 0.97, "words": items}]},
                    "metadata": {
                        "request_id": self.request_id,
                        "model_uuid": str(uuid.uuid4()),
                        "model_info": {"name": "general-nova-3", "version": "fake", "arch": "nova-3"},
                    },
                }
            )
        )

    def _metadata(self) -> dict[str, Any]:
        return {
            "type": "Metadata",
            "transaction_key": "deprecated",
            "request_id": self.request_id,
            "sha256": "0" * 64,
            "created": "2026-01-01T00:00:00.000Z",
            "duration": self.clock_ms / 1000,
            "channels": 1,
        }

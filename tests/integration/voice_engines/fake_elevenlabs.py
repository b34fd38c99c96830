"""A local server speaking ElevenLabs' streaming TTS HTTP API, for tests.

`POST /v1/text-to-speech/{voice_id}/stream?output_format=ulaw_8000` with `xi-api-key` and a JSON
body (`text`, `model_id`, `seed`, ...) answers a chunked stream of raw mu-law bytes; errors use
the provider's `{"detail": {"status": ..., "message": ...}}` body (401 bad key, 404 unknown voice,
422 invalid body, 429 when told to). The audio is a deterministic function of (text, seed), so a
test can check the client's stream byte for byte, including across a dropped connection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web

from voice_runtime.codec import pcm16_to_mulaw


def expected_audio(text: str, seed: int) -> bytes:
    """10 ms of tone per character; the pitch follows the character and the seed."""
    pieces = []
    t = np.arange(80) / 8000
    for i, ch in enumerate(text):
        freq = 200 + (ord(ch) * 7 + seed * 13 + i) % 600
        pieces.append((4000 * np.sin(2 * np.pi * freq * t)).astype(np.int16))
    return pcm16_to_mulaw(np.concatenate(pieces).tobytes()) if pieces else b""


@dataclass
class RequestLog:
    """One request as the server saw it and how it ended."""

    voice_id: str
    query: dict[str, str]
    api_key: str
    body: dict[str, Any]
    bytes_sent: int = 0
    outcome: str = "pending"  # completed | client_disconnected | dropped | error <status>


@dataclass
class FakeElevenLabs:
    """Start with `await server.start()`; `url` is then `http://127.0.0.1:<port>`."""

    api_key: str = "test-key"
    voices: tuple[str, ...] = ("voice-1",)
    chunk_bytes: int = 400
    chunk_delay_s: float = 0.005
    drop_after_bytes: int | None = None  # on the first request only
    fail_first_with: int | None = None  # e.g. 429 or 503 once
    requests: list[RequestLog] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/text-to-speech/{voice_id}/stream", self._stream)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        entry = RequestLog(
            request.match_info["voice_id"], dict(request.query), request.headers.get("xi-api-key", ""), body
        )
        self.requests.append(entry)
        error = self._check(entry)
        if error is not None:
            entry.outcome = f"error {error.status}"
            return error
        audio = expected_audio(str(body["text"]), int(body.get("seed") or 0))
        response = web.StreamResponse(headers={"Content-Type": "audio/basic"})
        await response.prepare(request)
        try:
            for start in range(0, len(audio), self.chunk_bytes):
                if self._should_drop(entry):
                    entry.outcome = "dropped"
                    assert request.transport is not None
                    request.transport.abort()
                    return response
                await response.write(audio[start : start + self.chunk_bytes])
                entry.bytes_sent += len(audio[start : start + self.chunk_bytes])
                await asyncio.sleep(self.chunk_delay_s)
            await response.write_eof()
            entry.outcome = "completed"
        except (ConnectionResetError, asyncio.CancelledError):
            entry.outcome = "client_disconnected"
            raise
        return response

    def _should_drop(self, entry: RequestLog) -> bool:
        return (
            self.drop_after_bytes is not None and len(self.requests) == 1 and entry.bytes_sent >= self.drop_after_bytes
        )

    def _check(self, entry: RequestLog) -> web.Response | None:
        if entry.api_key != self.api_key:
            return _error(401, "invalid_api_key", "Invalid API key")
        if self.fail_first_with is not None and len(self.requests) == 1:
            return _error(self.fail_first_with, "too_many_concurrent_requests", "Too many concurrent requests")
        if entry.voice_id not in self.voices:
            return _error(404, "voice_not_found", f"A voice with voice_id {entry.voice_id} was not found.")
        if entry.query.get("output_format") != "ulaw_8000" or not entry.body.get("text"):
            return _error(422, "invalid_request", "text is required and output_format must be ulaw_8000 here")
        return None


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"detail": {"status": code, "message": message}}, status=status)

"""One Deepgram live websocket connection: sends audio/control frames, maps results onto the stream.

Kept apart from `deepgram_stt` so the reconnect policy (there) and the wire protocol (here) each
stay small. The stream object holds all state that must survive a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from voice_runtime.stt.base import STT_SAMPLE_RATE, Transcript
from voice_runtime.stt.errors import SpeechEngineError

if TYPE_CHECKING:
    from voice_runtime.stt.deepgram_stt import DeepgramStream

_BYTES_PER_SECOND = STT_SAMPLE_RATE * 2
# Deepgram closes with 1008 for data it cannot decode (DATA-0000): reconnecting would fail again.
_FATAL_CLOSE_CODES = {1008}


class DeepgramSession:
    """Runs until the websocket closes; returns whether the server produced any result."""

    def __init__(self, stream: DeepgramStream, socket: Any) -> None:
        self.stream = stream
        self.socket = socket
        replay = list(stream.replay)
        self.replay = [chunk for _, chunk in replay]
        # Stream time of this connection's t=0: the first replayed sample, or the next new one.
        self.offset_s = replay[0][0] if replay else stream.sent_s
        self.progressed = False

    async def run(self) -> bool:
        from websockets.exceptions import ConnectionClosed

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
            stream.emit(Transcript(partial, False, confidence, first_ms, int(end * 1000)))

"""Transferring a browser call to a phone through Twilio: the phone leg streams back here and we bridge the two.

A browser call has no Twilio call to redirect, so the transfer places one: Twilio dials the target (from the
tenant's number) with `<Connect><Stream>` back to this worker's `/webrtc/bridge`, carrying a signed bridge token
for the browser call. Accepted means Twilio took the call, as a phone call's transfer means Twilio took the
redirect; the agent then leaves (`HangupFrame("transferred")`) and the browser call holds until the target's
stream arrives. `BridgedLeg` pipes the two: the target's mu-law onto the browser's agent track, the browser's
audio (8 kHz) to the target as Media Streams frames. Warm transfers say the whisper to the target first.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect
from twilio.base.exceptions import TwilioException
from twilio.rest import Client as TwilioClient
from twilio.twiml.voice_response import Connect, VoiceResponse

from domain.voice.call_tokens import BridgeClaims, sign_bridge
from voice_runtime import twilio_serializer as tw
from voice_runtime.codec import pcm16_to_mulaw
from voice_runtime.transfer import TransferResult, valid_target
from voice_runtime.webrtc.tracks import AgentTrack

BRIDGE_TOKEN_TTL_S = 120.0  # the target's phone may ring a while before it answers


def bridge_twiml(bridge_url: str, token: str, whisper: str | None = None) -> str:
    """What the target's leg runs: an optional whisper, then its audio streamed to us for the bridge."""
    response = VoiceResponse()
    if whisper:
        response.say(whisper, language="en-AU")
    connect = Connect()
    connect.stream(url=bridge_url).parameter(name="token", value=token)
    response.append(connect)
    return str(response)


class WebRtcTwilioTransfer:
    """The transfer port of browser calls when Twilio is configured: dial the target, bridge it back here."""

    def __init__(self, account_sid: str, auth_token: str, *, secret: bytes, bridge_url: str,
                 number_of: Callable[[str], str | None], timeout: float = 10.0, base_url: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._client = TwilioClient(account_sid, auth_token)
        if base_url:
            self._client.api.base_url = base_url
        self._secret, self._bridge_url, self._number_of = secret, bridge_url, number_of
        self._timeout, self._clock = timeout, clock

    async def cold_transfer(self, call_sid: str, to: str) -> TransferResult:
        """Have Twilio dial `to` with its audio streamed back for the bridge; never raises."""
        return await self._dial(call_sid, to, None)

    async def warm_transfer(self, call_sid: str, to: str, *, whisper: str, caller_id: str) -> TransferResult:
        """The same, with the whisper said to the target before the bridge."""
        return await self._dial(call_sid, to, whisper)

    async def _dial(self, call_sid: str, to: str, whisper: str | None) -> TransferResult:
        if not valid_target(to):
            return TransferResult(False, f"invalid transfer target {to!r}")
        caller_id = self._number_of(call_sid)
        if not caller_id:
            return TransferResult(False, "the tenant has no number to call the target from")
        claims = BridgeClaims(call_sid=call_sid, to=to, expires_at=self._clock() + BRIDGE_TOKEN_TTL_S,
                              nonce=uuid.uuid4().hex)
        twiml = bridge_twiml(self._bridge_url, sign_bridge(claims, self._secret), whisper)
        try:
            await asyncio.wait_for(asyncio.to_thread(self._client.calls.create, to=to, from_=caller_id, twiml=twiml),
                                   self._timeout)
        except (TwilioException, OSError, TimeoutError) as exc:
            return TransferResult(False, repr(exc)[:300])
        return TransferResult(True)


class BridgedLeg:
    """The target's media stream joined to a held browser call, until either side goes."""

    def __init__(self, ws: WebSocket, start: tw.Start, track: AgentTrack) -> None:
        self._ws, self._sid, self._track = ws, start.stream_sid, track
        self._out: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=250)  # 5 s of the browser's audio

    def from_browser(self, pcm8k: bytes) -> None:
        """20 ms of the browser caller's audio for the target (dropped if the socket falls 5 s behind)."""
        with contextlib.suppress(asyncio.QueueFull):
            self._out.put_nowait(pcm16_to_mulaw(pcm8k))

    def close(self) -> None:
        """The browser side is gone: end the target's stream (Twilio then ends its leg)."""
        with contextlib.suppress(asyncio.QueueFull):
            self._out.put_nowait(None)

    async def run(self) -> None:
        """Pipe both ways until the target hangs up or the browser leaves."""
        writer = asyncio.create_task(self._write(), name="bridge-writer")
        reader = asyncio.create_task(self._read(), name="bridge-reader")
        await asyncio.wait({writer, reader}, return_when=asyncio.FIRST_COMPLETED)
        for task in (writer, reader):
            task.cancel()
        await asyncio.gather(writer, reader, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._ws.close()

    async def _read(self) -> None:
        while True:
            try:
                message = tw.parse(await self._ws.receive_text())
            except tw.ProtocolError:
                continue
            except (WebSocketDisconnect, RuntimeError):
                return
            if isinstance(message, tw.Stop):
                return
            if isinstance(message, tw.Media):
                self._track.play(message.payload)

    async def _write(self) -> None:
        while (mulaw := await self._out.get()) is not None:
            await self._ws.send_text(tw.media(self._sid, mulaw))

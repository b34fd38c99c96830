"""The voice worker's WebRTC signaling: `POST /webrtc/offer` takes the peer's SDP offer and a call token;
`/webrtc/bridge` is where a transfer's phone leg streams back to join the held browser call (bridge.py).

Browsers on the dashboards' origin or a tenant's website send it, so the route answers CORS preflights from any
origin: it needs no cookie and no credential but the token in its body, which the API signed.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import JSONResponse

from voice_runtime import twilio_serializer as tw
from voice_runtime.webrtc.gate import OfferRefused, WebRtcGate

MAX_OFFER_BYTES = 64 * 1024
POLICY_VIOLATION = 1008  # WebSocket close code: no valid bridge token
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"}


def _error(status: int, code: str, message: str, reason: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if reason is not None:
        body["reason"] = reason
    return JSONResponse(body, status_code=status, headers=CORS)


def _offer_of(raw: bytes) -> tuple[str, str | None] | None:
    """(sdp, token) from the request body, or None when it is not an offer."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("type") != "offer" or not isinstance(data.get("sdp"), str):
        return None
    token = data.get("token")
    return data["sdp"], token if isinstance(token, str) else None


def install_webrtc(app: FastAPI, gate: WebRtcGate) -> None:
    """Add the signaling routes to the voice worker's app."""

    @app.options("/webrtc/offer", include_in_schema=False)
    async def preflight() -> Response:
        return Response(status_code=204, headers=CORS)

    @app.post("/webrtc/offer")
    async def offer(request: Request) -> Response:
        """Answer a WebRTC offer: `{"type": "offer", "sdp": ..., "token": ...}` -> `{"type": "answer", ...}`."""
        raw = await request.body()
        if len(raw) > MAX_OFFER_BYTES:
            return _error(413, "offer_too_large", f"an offer is at most {MAX_OFFER_BYTES} bytes")
        parsed = _offer_of(raw)
        if parsed is None:
            return _error(400, "bad_offer", 'send {"type": "offer", "sdp": "...", "token": "..."}')
        try:
            answer, call_sid = await gate.offer(parsed[1], parsed[0])
        except OfferRefused as refused:
            return _error(refused.status, refused.code, refused.message, refused.reason)
        return JSONResponse({"type": "answer", "sdp": answer, "call_sid": call_sid}, headers=CORS)

    @app.websocket("/webrtc/bridge")
    async def bridge(ws: WebSocket) -> None:
        """A transfer's phone leg (Twilio Media Streams) joining the held browser call its token names."""
        await ws.accept()
        start = await _start_of(ws)
        if start is None:
            return
        try:
            call = gate.held_call(start.custom_parameters.get("token"))
        except OfferRefused as refused:
            await ws.close(POLICY_VIOLATION, refused.reason)
            return
        await call.join(ws, start)


async def _start_of(ws: WebSocket) -> tw.Start | None:
    """Read up to the stream's `start` (None if it stops or the socket closes first)."""
    while True:
        try:
            message = tw.parse(await ws.receive_text())
        except tw.ProtocolError:
            continue
        except Exception:
            return None
        if isinstance(message, tw.Start):
            return message
        if isinstance(message, tw.Stop):
            return None

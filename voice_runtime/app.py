"""The voice worker's HTTP and WebSocket routes: Twilio webhook, Media Streams, health, metrics.

The webhook is the only door into a call: it checks Twilio's signature, routes the called number to its
tenant and configuration version (voice_runtime/routing.py), and hands the stream a signed, short-lived token
as its one parameter. The media socket refuses a stream without a valid token (voice_runtime/session.py).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Connect, VoiceResponse

from domain.voice.stream_token import TokenRefused
from voice_runtime.door import StreamDoor
from voice_runtime.event_buffer import EventBuffer
from voice_runtime.session import CallSession, VoiceDeps

log = logging.getLogger(__name__)

UNKNOWN_NUMBER = "Sorry, this number is not in service. Goodbye."
UNAVAILABLE = "Sorry, we can't take your call right now. Please try again shortly. Goodbye."
TWIML = "application/xml"
SMOKE_HEADER = "X-Revos-Smoke"  # the onboarding smoke stage's signed grant (domain/voice/stream_token.py)


def stream_url(public_base_url: str | None, request: Request) -> str:
    """wss://<public host>/twilio/media (ws:// when the public URL is plain http)."""
    base = (public_base_url or str(request.base_url)).rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://"):]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://"):]
    return base + "/twilio/media"


def connect_twiml(url: str, token: str) -> str:
    """<Connect><Stream> with the signed token as its only parameter."""
    response = VoiceResponse()
    connect = Connect()
    stream = connect.stream(url=url)
    stream.parameter(name="token", value=token)
    response.append(connect)
    return str(response)


def say_and_hangup(text: str) -> str:
    """A polite message, then hang up."""
    response = VoiceResponse()
    response.say(text, language="en-AU")
    response.hangup()
    return str(response)


def create_voice_app(deps: VoiceDeps, buffer: EventBuffer, door: StreamDoor, *, auth_token: str | None = None,
                     public_base_url: str | None = None) -> FastAPI:
    """Build the voice worker's app; the caller starts and stops the buffer and the clock."""
    app = FastAPI(title="Revenue OS voice worker", version="0.1.0")
    validator = RequestValidator(auth_token) if auth_token else None

    @app.post("/twilio/voice")
    async def voice_webhook(request: Request) -> Response:
        """Twilio's incoming-call webhook: stream the call to us with a signed token, or refuse politely."""
        params = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        if validator is not None:
            url = (public_base_url.rstrip("/") + request.url.path) if public_base_url else str(request.url)
            if not validator.validate(url, params, request.headers.get("X-Twilio-Signature", "")):
                return JSONResponse({"code": "invalid_signature", "message": "X-Twilio-Signature does not match"},
                                    status_code=403)
        try:
            token = await door.answer(params, request.headers.get(SMOKE_HEADER))
        except TokenRefused as refused:
            door.security.refused(refused.reason, where="webhook", call_sid=params.get("CallSid", ""),
                                  called=params.get("To", ""), client=request.client.host if request.client else "")
            return JSONResponse({"code": refused.code, "message": refused.message}, status_code=403)
        except Exception:
            log.exception("tenant lookup failed")
            return Response(say_and_hangup(UNAVAILABLE), media_type=TWIML)
        if token is None:
            return Response(say_and_hangup(UNKNOWN_NUMBER), media_type=TWIML)
        return Response(connect_twiml(stream_url(public_base_url, request), token), media_type=TWIML)

    @app.websocket("/twilio/media")
    async def media_stream(ws: WebSocket) -> None:
        await CallSession(deps, ws, door).run()

    @app.get("/metrics")
    async def metrics() -> Response:
        """Prometheus metrics of this voice worker."""
        return Response(generate_latest(deps.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/")
    @app.get("/healthz")
    async def health() -> dict[str, object]:
        """Liveness, calls in progress and the event buffer's backlog."""
        return {"status": "ok", "stt": deps.stt.name, "tts": deps.tts.name,
                "active_calls": deps.metrics.active_calls._value.get(), "events": buffer.status()}

    return app

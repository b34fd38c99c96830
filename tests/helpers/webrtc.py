"""WebRTC test helpers: loopback-only ICE settings, call tokens signed as the API signs them, a caller for them."""

from __future__ import annotations

import time
import uuid
from typing import Any

from pydantic import SecretStr

from domain.voice.call_tokens import WebRtcClaims, issued_to, sign_webrtc

SECRET = "test-call-token-secret"
# Every ICE packet of a test stays on loopback (the browser gets --allow-loopback-in-peer-connection).
LOOPBACK: dict[str, Any] = {"webrtc_ice_networks": ["127.0.0.0/8"], "voice_stream_secret": SecretStr(SECRET)}


def call_token(tenant_id: object, *, ttl: float = 60.0, secret: str = SECRET, call_sid: str | None = None,
               config_version: int | None = None, now: float | None = None) -> tuple[str, str]:
    """(token, call sid) for a browser call to the tenant, as `POST /v1/tenants/{id}/webrtc-token` signs it."""
    sid = call_sid or "WR" + uuid.uuid4().hex
    claims = WebRtcClaims(call_sid=sid, tenant_id=str(tenant_id), config_version=config_version,
                          issued_to=issued_to("operator", "tests"), expires_at=(now or time.time()) + ttl,
                          nonce=uuid.uuid4().hex)
    return sign_webrtc(claims, secret.encode()), sid

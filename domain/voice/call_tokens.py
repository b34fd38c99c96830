"""Signed, short-lived call tokens: one format for every door into a call, told apart by their purpose.

A token is `<body>.<mac>`: the base64url JSON of its claims and an HMAC-SHA256 under the server's secret over
`<purpose>.<body>`, so a token signed for one purpose (a WebRTC call, a Twilio media stream, a smoke grant) is
never accepted for another. The API signs a WebRTC token for a signed-in operator or a tenant's public widget;
the voice worker verifies it and takes the call's tenant and configuration version from it (and from its own
records), never from anything the peer sends. Single use is the verifier's: it keeps the nonces it has seen
until they expire.

Pure: the time and the nonce come in as arguments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import PermissionDenied

MAX_TOKEN_CHARS = 4096
FROZEN = ConfigDict(frozen=True, extra="forbid")
WEBRTC_PURPOSE = "webrtc"
BRIDGE_PURPOSE = "webrtc-bridge"
Claims = TypeVar("Claims", bound=BaseModel)


class WebRtcClaims(BaseModel):
    """What a WebRTC call token vouches for: this call, for this tenant, on this configuration, until then."""

    model_config = FROZEN

    call_sid: str = Field(min_length=1, max_length=64)
    tenant_id: str
    config_version: int | None  # None: the Voice Core's built-in default graph
    issued_to: str  # "operator:<principal id>" or "widget:<widget id>": who asked, for the call's `caller`
    expires_at: float
    nonce: str


class TokenRefused(PermissionDenied):
    """A token that is missing, malformed, forged, expired or used already; `reason` says which."""

    code = "call_token_refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, details={"reason": reason})
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(secret, f"{purpose}.{body}".encode(), hashlib.sha256).digest())


def sign(purpose: str, claims: BaseModel, secret: bytes) -> str:
    """`<body>.<mac>` for `claims`, with the purpose under the MAC."""
    body = _b64(json.dumps(claims.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode())
    return f"{body}.{_mac(secret, purpose, body)}"


def verify(token: str | None, secret: bytes, purpose: str, model: type[Claims],
           refused: type[TokenRefused] = TokenRefused) -> Claims:
    """The claims of a token signed for `purpose` (expiry is the caller's to check); `refused` otherwise."""
    if not token:
        raise refused("missing", "no call token")
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise refused("malformed", "the token is not one of ours")
    body, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(secret, purpose, body)):
        raise refused("bad_signature", "the token's signature does not match")
    try:
        return model.model_validate_json(_unb64(body))
    except (ValueError, ValidationError):
        raise refused("malformed", "the token's claims are not ours") from None


def sign_webrtc(claims: WebRtcClaims, secret: bytes) -> str:
    """A WebRTC call token."""
    return sign(WEBRTC_PURPOSE, claims, secret)


def verify_webrtc(token: str | None, secret: bytes, *, now: float) -> WebRtcClaims:
    """The claims of a valid, unexpired WebRTC call token; TokenRefused otherwise."""
    claims = verify(token, secret, WEBRTC_PURPOSE, WebRtcClaims)
    if claims.expires_at <= now:
        raise TokenRefused("expired", "the token has expired")
    return claims


class BridgeClaims(BaseModel):
    """What the media stream of a transfer's phone leg vouches for: it joins this browser call, dialled to `to`."""

    model_config = FROZEN

    call_sid: str = Field(min_length=1, max_length=64)
    to: str
    expires_at: float
    nonce: str


def sign_bridge(claims: BridgeClaims, secret: bytes) -> str:
    """The token Twilio's stream of a transfer's phone leg carries back to us."""
    return sign(BRIDGE_PURPOSE, claims, secret)


def verify_bridge(token: str | None, secret: bytes, *, now: float) -> BridgeClaims:
    """The claims of a valid, unexpired bridge token; TokenRefused otherwise."""
    claims = verify(token, secret, BRIDGE_PURPOSE, BridgeClaims)
    if claims.expires_at <= now:
        raise TokenRefused("expired", "the token has expired")
    return claims


Issuer = Literal["operator", "widget"]


def issued_to(kind: Issuer, ident: str) -> str:
    """Who a token was issued to, as the call's `caller` reads it."""
    return f"{kind}:{ident}"

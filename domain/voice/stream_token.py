"""Signed, short-lived tokens between the voice webhook and the media socket, and smoke-call grants.

The webhook answers a call with a `<Stream>` whose only parameter is a token: HMAC-SHA256, under a server
secret, over the call sid, the tenant, the pinned configuration version, the call's numbers and an expiry. The
media socket accepts a `start` only with a valid token for that very call sid, once, and takes the call's
identity from the token and the server's records, never from anything else the stream says.

A smoke grant is what the onboarding smoke stage sends with its simulated call's webhook: signed with the same
secret, it names the tenant, the version under test and the business state to run the call in. Nobody without
the secret can make one, so a real caller can never choose a version or the business hours.

Pure: the time and the nonce come in as arguments.
"""

from __future__ import annotations

import hmac
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.voice import call_tokens

Purpose = Literal["stream", "smoke"]
MAX_TOKEN_CHARS = 4096
FROZEN = ConfigDict(frozen=True, extra="forbid")


class StreamClaims(BaseModel):
    """What a media-socket token vouches for."""

    model_config = FROZEN

    call_sid: str
    tenant_id: str
    config_version: int | None  # None: the Voice Core's built-in default graph
    caller: str
    called: str
    business: Literal["open", "closed"] | None = None  # set only for smoke calls (from their grant)
    smoke: bool = False
    expires_at: float
    nonce: str


class SmokeGrant(BaseModel):
    """What the smoke stage may ask of the webhook: run this call on `config_version` with the business `business`."""

    model_config = FROZEN

    tenant_id: str
    config_version: int
    business: Literal["open", "closed"]
    expires_at: float
    nonce: str


class TokenRefused(call_tokens.TokenRefused):
    """A token that is missing, malformed, forged, expired or for another call; `reason` says which."""

    code = "stream_token_refused"


def sign(claims: StreamClaims | SmokeGrant, secret: bytes) -> str:
    """`<body>.<mac>` in the one format of `call_tokens` (the purpose, stream or smoke, is under the MAC)."""
    purpose: Purpose = "stream" if isinstance(claims, StreamClaims) else "smoke"
    return call_tokens.sign(purpose, claims, secret)


def verify_stream(token: str | None, secret: bytes, *, now: float, call_sid: str) -> StreamClaims:
    """The claims of a valid, unexpired token for `call_sid`; TokenRefused otherwise (single use is the caller's)."""
    claims = call_tokens.verify(token, secret, "stream", StreamClaims, TokenRefused)
    if claims.expires_at <= now:
        raise TokenRefused("expired", "the token has expired")
    if not hmac.compare_digest(claims.call_sid, call_sid):
        raise TokenRefused("call_sid_mismatch", "the token belongs to another call")
    return claims


def verify_grant(token: str | None, secret: bytes, *, now: float) -> SmokeGrant:
    """The smoke grant, if it is valid and unexpired; TokenRefused otherwise."""
    grant = call_tokens.verify(token, secret, "smoke", SmokeGrant, TokenRefused)
    if grant.expires_at <= now:
        raise TokenRefused("expired", "the smoke grant has expired")
    return grant

"""Signing browser-call tokens: the one place the API decides which call a browser may start, for whom."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from domain.voice.call_tokens import Issuer, WebRtcClaims, issued_to, sign_webrtc
from domain.voice.widgets import CallTokenPublic
from infra.settings import Settings
from infra.stream_secret import stream_secret


def issue_call_token(settings: Settings, tenant_id: UUID, issuer: Issuer, ident: str, now: datetime
                     ) -> CallTokenPublic:
    """A one-use token for a new call sid to the tenant's agent, valid for `webrtc_token_ttl_seconds`."""
    expires = now.timestamp() + settings.webrtc_token_ttl_seconds
    # The version the call runs: the built-in default graph (None) until tenant configuration versions exist;
    # with them, the tenant's active version is pinned here, at issue, as the phone webhook pins it.
    claims = WebRtcClaims(call_sid="WR" + uuid.uuid4().hex, tenant_id=str(tenant_id), config_version=None,
                          issued_to=issued_to(issuer, ident), expires_at=expires, nonce=uuid.uuid4().hex)
    return CallTokenPublic(token=sign_webrtc(claims, stream_secret(settings)), call_sid=claims.call_sid,
                           tenant_id=tenant_id, offer_url=f"{settings.webrtc_offer_base}/webrtc/offer",
                           expires_at=datetime.fromtimestamp(expires, UTC),
                           ice_servers=list(settings.webrtc_ice_servers))

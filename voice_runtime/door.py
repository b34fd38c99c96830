"""The door into a call: what the webhook and the media socket share to let only the calls we answered in.

The webhook routes the call and signs a token for its plan; the socket verifies the token, uses it once and
takes the plan (voice_runtime/routing.py). A smoke grant (from the onboarding smoke stage) may pin another
version and the business state; nothing a caller sends can.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from domain.voice.stream_token import SmokeGrant, StreamClaims, TokenRefused, sign, verify_grant, verify_stream
from voice_runtime.routing import CallPlan, PendingCalls, Planner
from voice_runtime.security import SecurityLog


class StreamDoor:
    """What the webhook and the socket share: the planner, the pending calls, the secret and the refusals log."""

    def __init__(self, planner: Planner, secret: bytes, *, token_ttl: float, security: SecurityLog,
                 clock: Callable[[], float] = time.time) -> None:
        self.planner = planner
        self.secret = secret
        self.token_ttl = token_ttl
        self.security = security
        self.clock = clock
        self.pending = PendingCalls(clock)

    def grant(self, header: str | None, tenant_id: str) -> SmokeGrant | None:
        """The smoke grant the request carries (None without one); TokenRefused if forged, expired or misdirected."""
        if header is None:
            return None
        grant = verify_grant(header, self.secret, now=self.clock())
        if grant.tenant_id != tenant_id:
            raise TokenRefused("grant_tenant_mismatch", "the smoke grant names another tenant")
        self.pending.use(grant.nonce, grant.expires_at)
        return grant

    async def answer(self, params: dict[str, str], smoke_header: str | None) -> str | None:
        """The signed stream token for this call (None: nobody answers the number)."""
        called, call_sid = params.get("To", ""), params.get("CallSid", "")
        record = await self.planner.route(called)
        if record is None:
            return None
        grant = self.grant(smoke_header, str(record.route.tenant_id))
        plan = await self.planner.plan(record, call_sid=call_sid, caller=params.get("From", ""), called=called,
                                       version=grant.config_version if grant else None,
                                       business=grant.business if grant else None)
        claims = plan.claims(expires_at=self.clock() + self.token_ttl, nonce=uuid.uuid4().hex)
        self.pending.add(plan, claims)
        return sign(claims, self.secret)

    async def admit(self, token: str | None, call_sid: str) -> CallPlan:
        """The plan of the call this token was signed for, once; TokenRefused otherwise."""
        claims: StreamClaims = verify_stream(token, self.secret, now=self.clock(), call_sid=call_sid)
        return self.pending.claim(claims) or await self.planner.rebuild(claims)

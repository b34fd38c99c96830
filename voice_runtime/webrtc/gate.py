"""The door into a WebRTC call: verify the token, use it once, plan the call from the server's records, answer.

A token (domain/voice/call_tokens.py) is signed by the API for one call sid and one tenant, for a minute; the
call is planned by the phone calls' planner (voice_runtime/routing.py) as if the tenant's first number had been
called: the tenant's active version, pinned for the whole call. The gate refuses a missing, forged, expired or
used token (its nonce is kept until it expires), a tenant the server does not know, a version it does not have
and an offer it cannot answer; each refusal is counted by reason.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

from prometheus_client import Counter

from domain.voice import stream_token
from domain.voice.call_tokens import TokenRefused, WebRtcClaims, verify_bridge, verify_webrtc
from voice_runtime.routing import CallPlan, Planner, RouteRecord
from voice_runtime.session import VoiceDeps
from voice_runtime.transfer import TransferPort
from voice_runtime.webrtc.session import WebRtcCall

log = logging.getLogger(__name__)


TenantLookup = Callable[[UUID], Awaitable[RouteRecord | None]]  # the tenant, as if its first number were called


class OfferRefused(Exception):
    """An offer we will not answer: `code` and `reason` for the peer, `status` for HTTP."""

    def __init__(self, status: int, code: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.reason, self.message = status, code, reason, message


@dataclass
class WebRtcGate:
    """Every WebRTC call of this voice worker: the door, the live calls, the nonces already used."""

    deps: VoiceDeps
    secret: bytes
    lookup: TenantLookup
    planner: Planner  # the phone calls' own (voice_runtime/routing.py): one graph cache, one way to pin a version
    ice_servers: list[str] = field(default_factory=list)
    max_seconds: float = 900.0
    transfer: TransferPort | None = None  # None: the worker's (LocalTransfer locally)
    bridges: bool = False  # the transfer port dials the target and bridges it back (bridge.py)
    clock: Callable[[], float] = time.time
    calls: dict[str, WebRtcCall] = field(default_factory=dict)
    _used: dict[str, float] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _refusals: Counter | None = None

    def __post_init__(self) -> None:
        self._refusals = Counter("revos_voice_webrtc_refusals_total", "WebRTC offers refused", ["reason"],
                                 registry=self.deps.metrics.registry)

    async def offer(self, token: str | None, sdp: str) -> tuple[str, str]:
        """(answer SDP, call sid) for a valid token's offer; OfferRefused otherwise."""
        claims = self._admit(token)
        plan = await self._plan(claims)
        call = WebRtcCall(self.deps, plan, ice_servers=self.ice_servers, max_seconds=self.max_seconds,
                          transfer=self.transfer, bridges=self.bridges)
        try:
            answer = await call.answer(sdp)
        except Exception as exc:
            log.info("could not answer a WebRTC offer: %r", exc)
            await call.abort()
            raise self._refuse(400, "bad_offer", "bad_offer", "the offer could not be answered") from None
        self.calls[plan.call_sid] = call
        task = asyncio.create_task(call.run(), name=f"webrtc-{plan.call_sid}")
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._done, call_sid=plan.call_sid))
        return answer, plan.call_sid

    def _admit(self, token: str | None) -> WebRtcClaims:
        now = self.clock()
        try:
            claims = verify_webrtc(token, self.secret, now=now)
        except TokenRefused as refused:
            raise self._refuse(403, refused.code, refused.reason, refused.message) from None
        for nonce, expires in list(self._used.items()):
            if expires <= now:
                del self._used[nonce]
        if claims.nonce in self._used or claims.call_sid in self.calls:
            raise self._refuse(403, TokenRefused.code, "used", "the token has been used already")
        self._used[claims.nonce] = claims.expires_at
        return claims

    async def _plan(self, claims: WebRtcClaims) -> CallPlan:
        """The call's plan from our records, as a phone call's: the tenant's active version, pinned for the call.

        The token names the tenant; a token naming a version tests that stored version, as a smoke grant does.
        """
        try:
            record = await self.lookup(UUID(claims.tenant_id))
        except ValueError:
            record = None
        if record is None:
            raise self._refuse(403, TokenRefused.code, "unknown_tenant", "the token names no tenant we serve")
        try:
            return await self.planner.plan(record, call_sid=claims.call_sid, caller=claims.issued_to,
                                           called=record.route.number, version=claims.config_version)
        except stream_token.TokenRefused as refused:
            raise self._refuse(409, "unknown_config_version", refused.reason, str(refused)) from None

    def held_call(self, token: str | None) -> WebRtcCall:
        """The held browser call a transfer's media stream joins; OfferRefused unless its bridge token is good."""
        try:
            claims = verify_bridge(token, self.secret, now=self.clock())
        except TokenRefused as refused:
            raise self._refuse(403, refused.code, f"bridge_{refused.reason}", refused.message) from None
        call = self.calls.get(claims.call_sid)
        if call is None or claims.nonce in self._used:
            raise self._refuse(403, TokenRefused.code, "bridge_no_call", "no browser call waits for this leg")
        self._used[claims.nonce] = claims.expires_at
        return call

    def number_of(self, call_sid: str) -> str | None:
        """The tenant number a live browser call "called" (a transfer's caller id)."""
        call = self.calls.get(call_sid)
        return call.plan.called or None if call is not None else None

    def _refuse(self, status: int, code: str, reason: str, message: str) -> OfferRefused:
        assert self._refusals is not None
        self._refusals.labels(reason).inc()
        log.warning("WebRTC offer refused: %s (%s)", reason, message)
        return OfferRefused(status, code, reason, message)

    def _done(self, task: asyncio.Task[None], *, call_sid: str) -> None:
        self._tasks.discard(task)
        self.calls.pop(call_sid, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("WebRTC call %s failed", call_sid, exc_info=task.exception())

    async def close(self, timeout: float = 5.0) -> None:
        """End every call (shutdown) and wait for them to finish."""
        for call in list(self.calls.values()):
            call.hang_up("shutdown")
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

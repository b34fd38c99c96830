"""Webhook: POST the signed JSON with httpx; the host is resolved and checked before every attempt.

A host any of whose addresses is loopback, private, link-local or otherwise not public is refused (the same rule
the compiler applied, `domain.objectives.host_verdict`), unless private hosts are allowed (tests, local demos).
Redirects are not followed: a redirect to an internal address would undo the check.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import httpx

from activities.channels.base import Sent, short
from domain.objectives import host_verdict, webhook_host


async def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (empty when it does not resolve)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return sorted({str(info[4][0]) for info in infos})


class HttpxWebhook:
    """The webhook adapter; `allow_private` skips the address check."""

    def __init__(self, *, timeout: float, allow_private: bool) -> None:
        self._timeout = timeout
        self._allow_private = allow_private

    async def check_host(self, url: str) -> Sent | None:
        """None if the URL's host may be called now; else a non-retryable refusal."""
        parts = urlsplit(url)
        host = webhook_host(url)
        if parts.scheme not in ("https", "http") or not host:
            return Sent(False, f"not an http(s) URL: {url!r}", retryable=False)
        if self._allow_private:
            return None
        addresses = await resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        verdict = host_verdict(addresses)
        if verdict == "unresolvable":
            return Sent(False, f"host {host!r} does not resolve", retryable=True)
        if verdict is not None:
            return Sent(False, f"host_refused: {host!r} resolves to a {verdict} address", retryable=False)
        return None

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        refused = await self.check_host(url)
        if refused is not None:
            return refused
        try:
            async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
                response = await client.post(url, content=body, headers={"Content-Type": "application/json",
                                                                         **headers})
        except httpx.TimeoutException as exc:
            return Sent(False, f"timed out after {self._timeout:g}s ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return Sent(False, short(exc))
        status = {"status": response.status_code}
        if 200 <= response.status_code < 300:
            return Sent(True, detail=status)
        return Sent(False, f"HTTP {response.status_code}: {response.text[:200]}", detail=status)

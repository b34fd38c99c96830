"""The channel ports every integration and notification goes through, and what a send answers.

Each port has a real adapter (httpx, Twilio, SMTP, CalDAV) and a local twin that records in Postgres; both take
an idempotency key and send a key at most once where the channel lets us know (a recorded key is not sent again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True)
class Sent:
    """How a send went; `retryable` False means trying again cannot help (a refused host, a bad number)."""

    ok: bool
    error: str | None = None
    retryable: bool = True
    detail: dict[str, Any] = field(default_factory=dict)


class WebhookPort(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Sent: ...


class SmsPort(Protocol):
    async def send_sms(self, key: str, tenant_id: UUID | None, to: str, text: str) -> Sent: ...


class EmailPort(Protocol):
    async def send_email(self, key: str, tenant_id: UUID | None, to: list[str], subject: str, text: str,
                         invite: str | None = None) -> Sent: ...


class AlertPort(Protocol):
    async def alert(self, key: str, source: str, severity: str, subject: str, text: str,
                    detail: dict[str, Any]) -> Sent: ...


def short(exc: BaseException) -> str:
    """An exception as a one-line error for a delivery's record."""
    return f"{type(exc).__name__}: {exc}"[:300]

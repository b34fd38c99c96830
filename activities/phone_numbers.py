"""Pointing a tenant's numbers at the voice webhook: Twilio's IncomingPhoneNumbers when Twilio is configured.

The routing table (tenant_phone_numbers) is what the voice worker reads in every deployment; with Twilio keys
the number's `voice_url` must also send its calls to our webhook, or Twilio never asks us.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal, Protocol

from twilio.base.exceptions import TwilioException
from twilio.rest import Client as TwilioClient

from domain.errors import Conflict, InvalidInput, Unavailable
from infra.settings import Settings


@dataclass(frozen=True)
class Pointed:
    """Where the provider now sends the number's calls."""

    provider: Literal["local", "twilio"]
    voice_url: str | None = None
    sid: str | None = None


class NumberProvider(Protocol):
    """Sends a number's incoming calls to the voice webhook."""

    name: str

    async def point(self, number: str) -> Pointed:
        """Make the number's calls reach our webhook; raise a DomainError if it cannot."""
        ...


class LocalNumbers:
    """No telephony provider: the routing table alone routes the number (simulated callers dial the webhook)."""

    name = "local"

    async def point(self, number: str) -> Pointed:
        """Nothing to point: the voice worker routes by the table."""
        return Pointed(provider="local")


class TwilioNumbers:
    """Updates the number's IncomingPhoneNumber `voice_url` (blocking HTTP through the SDK, so in a thread)."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, voice_url: str | None, *, base_url: str | None = None,
                 timeout: float = 15.0) -> None:
        self._client = TwilioClient(account_sid, auth_token)
        if base_url:
            self._client.api.base_url = base_url
        self._voice_url = voice_url
        self._timeout = timeout

    async def point(self, number: str) -> Pointed:
        """Find the number in the account and set its voice URL to our webhook (POST)."""
        if self._voice_url is None:
            raise InvalidInput("REVOS_PUBLIC_BASE_URL is required with Twilio keys: Twilio must reach the webhook",
                               code="public_base_url_missing")
        try:
            sid = await asyncio.wait_for(asyncio.to_thread(self._point, number), self._timeout)
        except TwilioException as exc:
            raise Unavailable(f"Twilio refused to update {number}: {exc}"[:300], code="twilio_refused") from exc
        except (OSError, TimeoutError) as exc:
            raise Unavailable(f"Twilio did not answer for {number}: {exc!r}"[:300], code="twilio_unavailable") from exc
        return Pointed(provider="twilio", voice_url=self._voice_url, sid=sid)

    def _point(self, number: str) -> str:
        assert self._voice_url is not None
        found = self._client.incoming_phone_numbers.list(phone_number=number, limit=2)
        if not found:
            raise Conflict(f"{number} is not a number of this Twilio account", code="twilio_number_not_found")
        record = found[0]
        if record.voice_url != self._voice_url or (record.voice_method or "").upper() != "POST":
            self._client.incoming_phone_numbers(record.sid).update(voice_url=self._voice_url, voice_method="POST")
        return str(record.sid)


def build_number_provider(settings: Settings) -> NumberProvider:
    """Twilio when its keys are set (it then needs the public URL, so Twilio reaches the webhook), else local."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return LocalNumbers()
    voice_url = settings.public_base_url.rstrip("/") + "/twilio/voice" if settings.public_base_url else None
    return TwilioNumbers(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(), voice_url,
                         base_url=settings.twilio_api_base_url)

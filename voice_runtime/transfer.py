"""The transfer port: cold transfer of a live call (Twilio REST: update the call with <Dial>)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

import phonenumbers
from twilio.base.exceptions import TwilioException
from twilio.rest import Client as TwilioClient
from twilio.twiml.voice_response import VoiceResponse


@dataclass(frozen=True)
class TransferResult:
    """What the telephony provider answered."""

    ok: bool
    error: str | None = None


class TransferPort(Protocol):
    """Moves a live call to another number."""

    async def cold_transfer(self, call_sid: str, to: str) -> TransferResult:
        """Replace the call's TwiML with a <Dial> to `to`; never raises."""
        ...


def dial_twiml(to: str) -> str:
    """The TwiML that connects the caller to `to`."""
    response = VoiceResponse()
    response.dial(to)
    return str(response)


def valid_target(to: str) -> bool:
    """An E.164 number that could be dialled."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(to, None))
    except phonenumbers.NumberParseException:
        return False


@dataclass
class LocalTransfer:
    """Records each request; refuses invalid numbers and those listed in `unreachable` (a failed dial)."""

    unreachable: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (call_sid, to, twiml)

    async def cold_transfer(self, call_sid: str, to: str) -> TransferResult:
        """Record the request and answer as Twilio would."""
        self.requests.append((call_sid, to, dial_twiml(to) if to else ""))
        if not valid_target(to):
            return TransferResult(False, f"invalid transfer target {to!r}")
        if to in self.unreachable:
            return TransferResult(False, f"{to} is unreachable")
        return TransferResult(True)


class TwilioTransfer:
    """Updates the live call through the Twilio REST API (blocking HTTP, so in a thread)."""

    def __init__(self, account_sid: str, auth_token: str, *, timeout: float = 10.0,
                 base_url: str | None = None) -> None:
        self._client = TwilioClient(account_sid, auth_token)
        if base_url:
            self._client.api.base_url = base_url
        self._timeout = timeout

    async def cold_transfer(self, call_sid: str, to: str) -> TransferResult:
        """POST /Calls/{sid} with the <Dial> TwiML."""
        if not valid_target(to):
            return TransferResult(False, f"invalid transfer target {to!r}")
        try:
            await asyncio.wait_for(asyncio.to_thread(self._update, call_sid, to), self._timeout)
        except (TwilioException, OSError, TimeoutError) as exc:
            return TransferResult(False, repr(exc)[:300])
        return TransferResult(True)

    def _update(self, call_sid: str, to: str) -> None:
        self._client.calls(call_sid).update(twiml=dial_twiml(to))

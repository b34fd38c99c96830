"""The transfer port: cold and warm transfer of a live call over the Twilio REST API.

Cold: the caller's call is updated with <Dial> to the target. Warm: the target is called first into a
conference named for the call and hears a short whisper (who is waiting and why), then the caller is
moved into the same conference, so nobody is dropped into a ringing line unannounced.
"""

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

    async def warm_transfer(self, call_sid: str, to: str, *, whisper: str, caller_id: str) -> TransferResult:
        """Call `to` into the call's conference with a whisper, then move the caller in; never raises."""
        ...


def dial_twiml(to: str) -> str:
    """The TwiML that connects the caller to `to`."""
    response = VoiceResponse()
    response.dial(to)
    return str(response)


def conference_name(call_sid: str) -> str:
    """The conference a warm transfer meets in (one per call)."""
    return f"revos-{call_sid}"


def conference_twiml(call_sid: str, whisper: str | None = None) -> str:
    """TwiML that joins the call's conference, after a whisper when there is one."""
    response = VoiceResponse()
    if whisper:
        response.say(whisper, language="en-AU")
    dial = response.dial()
    dial.conference(conference_name(call_sid), start_conference_on_enter=True, end_conference_on_exit=True)
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

    async def warm_transfer(self, call_sid: str, to: str, *, whisper: str, caller_id: str) -> TransferResult:
        """Record the agent's leg (whisper, conference) and the caller's move, as Twilio would run them."""
        self.requests.append((f"new:{caller_id}", to, conference_twiml(call_sid, whisper)))
        if not valid_target(to):
            return TransferResult(False, f"invalid transfer target {to!r}")
        if to in self.unreachable:
            return TransferResult(False, f"{to} is unreachable")
        self.requests.append((call_sid, to, conference_twiml(call_sid)))
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

    async def warm_transfer(self, call_sid: str, to: str, *, whisper: str, caller_id: str) -> TransferResult:
        """POST /Calls (the target, whispered into the conference), then POST /Calls/{sid} (the caller)."""
        if not valid_target(to):
            return TransferResult(False, f"invalid transfer target {to!r}")
        try:
            await asyncio.wait_for(asyncio.to_thread(self._warm, call_sid, to, whisper, caller_id), self._timeout)
        except (TwilioException, OSError, TimeoutError) as exc:
            return TransferResult(False, repr(exc)[:300])
        return TransferResult(True)

    def _warm(self, call_sid: str, to: str, whisper: str, caller_id: str) -> None:
        self._client.calls.create(to=to, from_=caller_id, twiml=conference_twiml(call_sid, whisper))
        self._client.calls(call_sid).update(twiml=conference_twiml(call_sid))

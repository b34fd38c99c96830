"""SMS: Twilio's Messages API through the `twilio` SDK when keys are set; else the local twin records it."""

from __future__ import annotations

import asyncio
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client as TwilioClient

from activities.channels.base import Sent, short
from activities.channels.records import already_sent, record
from infra.db.tables_integrations import sms_messages

# Twilio error codes that no retry can fix (invalid or unreachable number, blocked, unsubscribed).
PERMANENT = {21211, 21408, 21610, 21612, 21614}


class LocalSms:
    """Records the message (the local twin; nothing leaves the machine)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def send_sms(self, key: str, tenant_id: UUID | None, to: str, text: str) -> Sent:
        fresh = await record(self._engine, sms_messages, key, tenant_id=tenant_id, to_number=to, body=text,
                             provider="local")
        return Sent(True, detail={"provider": "local", "duplicate": not fresh})


class TwilioSms:
    """POST /Messages.json through the SDK (blocking, so in a thread); the message is recorded with its sid."""

    def __init__(self, engine: AsyncEngine, account_sid: str, auth_token: str, sender: str, *,
                 base_url: str | None = None, timeout: float = 10.0) -> None:
        self._engine = engine
        self._client = TwilioClient(account_sid, auth_token)
        if base_url:
            self._client.api.base_url = base_url
        self._sender = sender
        self._timeout = timeout

    def _create(self, to: str, text: str) -> str:
        sender = {"messaging_service_sid": self._sender} if self._sender.startswith("MG") else {"from_": self._sender}
        message = self._client.messages.create(to=to, body=text, **sender)
        return str(message.sid)

    async def send_sms(self, key: str, tenant_id: UUID | None, to: str, text: str) -> Sent:
        if await already_sent(self._engine, sms_messages, key):
            return Sent(True, detail={"provider": "twilio", "duplicate": True})
        try:
            sid = await asyncio.wait_for(asyncio.to_thread(self._create, to, text), self._timeout)
        except TwilioRestException as exc:
            return Sent(False, f"twilio {exc.code}: {exc.msg}"[:300], retryable=exc.code not in PERMANENT)
        except (TwilioException, OSError, TimeoutError) as exc:
            return Sent(False, short(exc))
        await record(self._engine, sms_messages, key, tenant_id=tenant_id, to_number=to, body=text,
                     provider="twilio", provider_sid=sid)
        return Sent(True, detail={"provider": "twilio", "sid": sid})

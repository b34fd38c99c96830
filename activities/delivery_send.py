"""One attempt of one delivery through its channel: webhook, SMS, e-mail or calendar (+ invite)."""

from __future__ import annotations

import json
import time
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels.base import Sent
from activities.notify import Channels
from domain.integrations.calendar import ics_invite, requested_slot
from domain.integrations.messages import Attempt
from domain.integrations.render import captured_of_kind, message_for, sms_text
from domain.integrations.signature import HEADER, sign
from domain.objectives.integrations import Calendar, EmailIntegration, Sms, Webhook
from infra.db.tenant_secrets import read_secret
from infra.secrets_box import SecretBox


def _tenant(tenant_id: str | None) -> UUID | None:
    return UUID(tenant_id) if tenant_id else None


class Sender:
    """Dispatches an attempt to the channel its integration names."""

    def __init__(self, engine: AsyncEngine, channels: Channels, box: SecretBox | None, *, organizer: str,
                 slot_minutes: int) -> None:
        self._engine = engine
        self._channels = channels
        self._box = box
        self._organizer = organizer
        self._slot_minutes = slot_minutes

    async def send(self, cmd: Attempt) -> Sent:
        integration = cmd.delivery.integration
        if isinstance(integration, Webhook):
            return await self._webhook(cmd, integration)
        if isinstance(integration, Sms):
            return await self._channels.sms.send_sms(cmd.delivery.idempotency_key, _tenant(cmd.delivery.tenant_id),
                                                     integration.to, sms_text(cmd.delivery.body))
        if isinstance(integration, EmailIntegration):
            message = message_for(cmd.delivery.body)
            return await self._channels.email.send_email(cmd.delivery.idempotency_key, _tenant(cmd.delivery.tenant_id),
                                                         list(integration.to), message.subject, message.text)
        assert isinstance(integration, Calendar)
        return await self._calendar(cmd)

    async def _secret(self, tenant_id: str | None, name: str) -> str | None:
        if self._box is None or tenant_id is None:
            return None
        async with self._engine.connect() as conn:
            return await read_secret(conn, self._box, UUID(tenant_id), name)

    async def _webhook(self, cmd: Attempt, hook: Webhook) -> Sent:
        secret = await self._secret(cmd.delivery.tenant_id, hook.secret)
        if secret is None:
            return Sent(False, f"secret_unknown: the tenant has no stored secret {hook.secret!r} (or no secrets key)",
                        retryable=False)
        body = json.dumps(cmd.delivery.body, sort_keys=True, separators=(",", ":")).encode("utf-8")
        headers = {HEADER: sign(secret, body, int(time.time())), "Idempotency-Key": cmd.delivery.idempotency_key,
                   "X-Revos-Event": cmd.delivery.event, "X-Revos-Attempt": str(cmd.attempt)}
        return await self._channels.webhook.post(hook.url, body, headers)

    async def _calendar(self, cmd: Attempt) -> Sent:
        delivery = cmd.delivery
        data = delivery.body.get("data", {})
        try:
            slot = requested_slot(str(data.get("value", "")), delivery.timezone, self._slot_minutes)
        except ValueError:
            return Sent(False, f"not a date or a date and time: {data.get('value')!r}", retryable=False)
        message = message_for(delivery.body)
        who = (captured_of_kind(data.get("captured") or {}, "name") or delivery.body.get("call", {}).get("caller")
               or "a caller")
        summary = f"Appointment request: {who}"
        ics = ics_invite(f"{delivery.delivery_id}@revos", slot, summary, message.text, organizer=self._organizer,
                         attendees=list(delivery.recipients), stamp=delivery.occurred_at)
        booking, sent = await self._channels.calendar.book(delivery.idempotency_key, _tenant(delivery.tenant_id),
                                                           delivery.call_sid, slot, summary, ics)
        if not sent.ok or not delivery.recipients:
            return sent
        note = ("It overlaps an existing booking: call the customer back to agree a time.\n\n"
                if booking.status == "conflict" else "")
        mailed = await self._channels.email.send_email(f"{delivery.idempotency_key}:invite",
                                                       _tenant(delivery.tenant_id), list(delivery.recipients),
                                                       f"[Revenue OS] {summary}", note + message.text, invite=ics)
        return Sent(mailed.ok, mailed.error, mailed.retryable, detail={**sent.detail, "invite": mailed.ok})

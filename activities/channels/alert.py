"""The operator's notification channel: every alert is recorded (the operator dashboard reads them) and, when
configured, forwarded to a chat incoming-webhook URL, an e-mail address and a mobile, through the same adapters.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels.base import EmailPort, Sent, SmsPort, WebhookPort
from activities.channels.records import record
from infra.db.tables_integrations import operator_alerts


class OperatorAlerts:
    """Records the alert once per key, then forwards it to every configured destination."""

    def __init__(self, engine: AsyncEngine, *, webhook: WebhookPort, email: EmailPort, sms: SmsPort,
                 webhook_url: str | None = None, email_to: str | None = None, sms_to: str | None = None) -> None:
        self._engine = engine
        self._webhook, self._email, self._sms = webhook, email, sms
        self._webhook_url, self._email_to, self._sms_to = webhook_url, email_to, sms_to

    async def alert(self, key: str, source: str, severity: str, subject: str, text: str,
                    detail: dict[str, Any]) -> Sent:
        await record(self._engine, operator_alerts, key, source=source, severity=severity, subject=subject,
                     body=text, detail=detail)
        failures: list[str] = []
        if self._webhook_url:
            body = json.dumps({"text": f"*{subject}*\n{text}"}).encode()
            sent = await self._webhook.post(self._webhook_url, body, {"Idempotency-Key": key})
            failures += [f"webhook: {sent.error}"] if not sent.ok else []
        if self._email_to:
            sent = await self._email.send_email(f"{key}:email", None, [self._email_to], subject, text)
            failures += [f"email: {sent.error}"] if not sent.ok else []
        if self._sms_to:
            sent = await self._sms.send_sms(f"{key}:sms", None, self._sms_to, f"{subject}\n{text}"[:480])
            failures += [f"sms: {sent.error}"] if not sent.ok else []
        return Sent(not failures, "; ".join(failures) or None, detail={"recorded": True})

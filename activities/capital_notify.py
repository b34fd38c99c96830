"""Capital's deliveries to the admins (interrupt alerts, the weekly summary) through one port.

`CapitalNotifier` is the port; `LocalCapitalNotifier` records each delivery in `capital_deliveries`
(no provider configured), `SmtpCapitalNotifier` e-mails it (text, an HTML alternative and attachments
such as the summary's CSV) and records it. A provider's adapter (SMS, another e-mail service) plugs in
by implementing `deliver`. Delivery ids are derived from what is delivered, so a retried activity
records and sends once per recipient.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.capital import notices, weekly
from domain.capital.weekly import WeeklySummary
from infra.db.tables_capital_costs import capital_deliveries
from infra.settings import Settings

_NAMESPACE = uuid.UUID("0b6d3f0e-6c1d-4f3a-9f57-7f1f3e2f0a09")


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    content: str


@dataclass(frozen=True)
class CapitalMessage:
    """One message to one admin; `key` names what it is (an alert, a week's summary) for idempotence."""

    key: str
    kind: str
    recipient: str
    subject: str
    text: str
    at: datetime
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(_NAMESPACE, f"{self.kind}:{self.key}:{self.recipient}")


class CapitalNotifier(Protocol):
    channel: str

    async def deliver(self, conn: AsyncConnection, message: CapitalMessage) -> bool:
        """Deliver once (False when this message was already delivered)."""
        ...


async def _delivered(conn: AsyncConnection, message: CapitalMessage) -> bool:
    found = await conn.execute(select(capital_deliveries.c.id).where(capital_deliveries.c.id == message.id))
    return found.first() is not None


async def _record(conn: AsyncConnection, message: CapitalMessage, channel: str, status: str) -> None:
    await conn.execute(pg_insert(capital_deliveries).values(
        id=message.id, kind=message.kind, channel=channel, recipient=message.recipient, subject=message.subject,
        body_text=message.text, body_html=message.html, delivery_status=status, created_at=message.at,
        attachments=json.loads(json.dumps([a.__dict__ for a in message.attachments])),
    ).on_conflict_do_nothing())


class LocalCapitalNotifier:
    """Records the delivery in Postgres (the local adapter)."""

    channel = "local"

    async def deliver(self, conn: AsyncConnection, message: CapitalMessage) -> bool:
        if await _delivered(conn, message):
            return False
        await _record(conn, message, self.channel, "recorded")
        return True


class SmtpCapitalNotifier:
    """E-mails the admin over SMTP (multipart: text, HTML, attachments) and records the delivery.

    Sent before the transaction commits: a commit that fails after a send means the retry sends again
    (at least once), never zero times.
    """

    channel = "email"

    def __init__(self, host: str, port: int, sender: str) -> None:
        self._host, self._port, self._sender = host, port, sender

    def _send(self, message: CapitalMessage) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self._sender, message.recipient, message.subject
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        for a in message.attachments:
            maintype, subtype = a.media_type.split("/", 1)
            mail.add_attachment(a.content.encode(), maintype=maintype, subtype=subtype, filename=a.filename)
        with smtplib.SMTP(self._host, self._port, timeout=10) as smtp:
            smtp.send_message(mail)

    async def deliver(self, conn: AsyncConnection, message: CapitalMessage) -> bool:
        if await _delivered(conn, message):
            return False
        await asyncio.to_thread(self._send, message)
        await _record(conn, message, self.channel, "sent")
        return True


def alert_message(key: str, recipient: str, subject: str, text: str, at: datetime) -> CapitalMessage:
    return CapitalMessage(key=key, kind="alert", recipient=recipient, subject=subject, text=text, at=at)


def weekly_message(summary: WeeklySummary, recipient: str, at: datetime) -> CapitalMessage:
    """The week's summary as an e-mail: a text note, the HTML page, and the CSV attached."""
    csv = Attachment(f"weekly-{summary.week}.csv", "text/csv", weekly.to_csv(summary))
    return CapitalMessage(key=summary.week, kind="weekly_summary", recipient=recipient,
                          subject=notices.weekly_subject(summary), text=notices.weekly_text(summary), at=at,
                          html=weekly.to_html(summary), attachments=(csv,))


def capital_notifier(settings: Settings) -> CapitalNotifier:
    """SMTP when a host is configured (the deployment's one SMTP relay), else the local record."""
    if settings.governance_smtp_host:
        return SmtpCapitalNotifier(settings.governance_smtp_host, settings.governance_smtp_port,
                                   settings.governance_smtp_sender)
    return LocalCapitalNotifier()

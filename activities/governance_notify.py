"""Step 10's rollback side: incidents and the founder's notification through a notifications port."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from domain.governance.commands import RaiseIncident
from infra.db.governance_repo import append_once, contract_stream
from infra.db.tables_governance import incidents, notifications
from infra.settings import Settings


@dataclass(frozen=True)
class Notification:
    id: UUID
    recipient: str
    subject: str
    body: str
    contract_id: UUID | None
    at: datetime


class NotificationsPort(Protocol):
    async def send(self, conn: AsyncConnection, note: Notification) -> None: ...


class LocalNotifications:
    """Records the notification in Postgres (the local adapter; no email/SMS provider configured)."""

    channel = "local"

    async def send(self, conn: AsyncConnection, note: Notification) -> None:
        await conn.execute(pg_insert(notifications).values(
            id=note.id, channel=self.channel, recipient=note.recipient, subject=note.subject, body=note.body,
            contract_id=note.contract_id, delivery_status="recorded",
            created_at=note.at).on_conflict_do_nothing())


class EmailNotifications:
    """E-mails the founder over SMTP and records the delivery; used when an SMTP host is configured.

    Sent before the transaction commits: a commit that fails after a send means the retry sends
    again (at least once), never zero times.
    """

    channel = "email"

    def __init__(self, host: str, port: int, sender: str) -> None:
        self._host, self._port, self._sender = host, port, sender

    def _send(self, note: Notification) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, note.recipient, note.subject
        message.set_content(note.body)
        with smtplib.SMTP(self._host, self._port, timeout=10) as smtp:
            smtp.send_message(message)

    async def send(self, conn: AsyncConnection, note: Notification) -> None:
        await asyncio.to_thread(self._send, note)
        await conn.execute(pg_insert(notifications).values(
            id=note.id, channel=self.channel, recipient=note.recipient, subject=note.subject, body=note.body,
            contract_id=note.contract_id, delivery_status="sent", created_at=note.at).on_conflict_do_nothing())


def notifier_for(settings: Settings) -> NotificationsPort:
    if settings.governance_smtp_host:
        return EmailNotifications(settings.governance_smtp_host, settings.governance_smtp_port,
                                  settings.governance_smtp_sender)
    return LocalNotifications()


class IncidentActivities:
    def __init__(self, engine: AsyncEngine, notifier: NotificationsPort) -> None:
        self._engine = engine
        self._notifier = notifier

    @activity.defn(name="raise_incident")
    async def raise_incident(self, cmd: RaiseIncident) -> None:
        async with self._engine.begin() as conn:
            if (await conn.execute(select(incidents.c.id).where(incidents.c.id == cmd.incident_id))).first():
                return
            await conn.execute(pg_insert(incidents).values(
                id=cmd.incident_id, contract_id=cmd.contract_id, job_id=cmd.job_id, kind="contract_rolled_back",
                summary=cmd.summary, details=cmd.details, status="OPEN", created_at=cmd.at))
            await self._notifier.send(conn, Notification(
                id=cmd.notification_id, recipient=cmd.recipient, subject=f"[Revenue OS] {cmd.summary}",
                body=f"{cmd.summary}. Reasons: {'; '.join(cmd.details.get('reasons', []))}",
                contract_id=cmd.contract_id, at=cmd.at))
            await append_once(conn, contract_stream(cmd.contract_id), cmd.incident_id, "incident.opened",
                              {"incident_id": str(cmd.incident_id), "summary": cmd.summary,
                               "notified": cmd.recipient}, cmd.at)

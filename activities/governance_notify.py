"""The founder's notifications (what waits for them, what was undone) and incidents, through a notifications port.

`NotificationsPort` is what the activities use; `ChannelNotifications` is the deployment's: every notice goes
through the one notifier (activities/notify.py), an e-mail to the founder's address (SMTP when it is configured,
else the local record) and, when a founder mobile is set (REVOS_GOVERNANCE_FOUNDER_SMS), an SMS (Twilio when keys
are set, else the local record). Every notification is recorded in `notifications` (its channels and how the send
went) and, for a contract, as `founder.notified` in its timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.channels.base import Sent
from activities.notify import ChannelNotifier, Notice, Notifier, channels_for, send_from_activity
from domain.errors import NotFound
from domain.governance.messages import NotifyFounder, RaiseIncident
from domain.governance.notices import notice
from infra.db.governance_repo import append_once, contract_stream, get_contract
from infra.db.tables_governance import incidents, notifications
from infra.settings import Settings

SMS_MAX = 480


@dataclass(frozen=True)
class Notification:
    id: UUID
    recipient: str
    subject: str
    body: str
    contract_id: UUID | None
    at: datetime
    kind: str = ""


class NotificationsPort(Protocol):
    """Deliver one notification and record it (idempotent on its id: a retried activity sends it once and records
    it once)."""

    async def send(self, conn: AsyncConnection, note: Notification) -> None: ...


def _status(sent: Sent) -> str:
    if not sent.ok:
        return "failed"
    return "recorded" if sent.detail.get("provider") == "local" else "sent"


class ChannelNotifications:
    """The founder's notices through the deployment's notifier: e-mail, and SMS when a mobile is configured."""

    def __init__(self, notifier: Notifier, *, sms_to: str | None = None) -> None:
        self._notifier = notifier
        self._sms_to = sms_to

    async def send(self, conn: AsyncConnection, note: Notification) -> None:
        key = f"governance:{note.id}"
        sends = {"email": await send_from_activity(self._notifier, Notice(
            key=key, channel="email", to=[note.recipient], subject=note.subject, text=note.body, source="governance"))}
        if self._sms_to:
            text = f"{note.subject}\n{note.body}"
            sends["sms"] = await send_from_activity(self._notifier, Notice(
                key=key, channel="sms", to=[self._sms_to], subject=note.subject,
                text=text if len(text) <= SMS_MAX else text[: SMS_MAX - 1] + "…", source="governance"))
        await conn.execute(pg_insert(notifications).values(
            id=note.id, channel="+".join(sends), recipient=note.recipient, subject=note.subject, body=note.body,
            contract_id=note.contract_id, delivery_status=",".join(sorted({_status(s) for s in sends.values()})),
            created_at=note.at).on_conflict_do_nothing())


def founder_notifications(settings: Settings, engine: AsyncEngine) -> NotificationsPort:
    """The deployment's notices to the founder (one place: the channels every domain notifies through)."""
    return ChannelNotifications(ChannelNotifier(channels_for(settings, engine)), sms_to=settings.governance_founder_sms)


class IncidentActivities:
    def __init__(self, engine: AsyncEngine, notifier: NotificationsPort) -> None:
        self._engine = engine
        self._notifier = notifier

    @activity.defn(name="notify_founder")
    async def notify_founder(self, cmd: NotifyFounder) -> None:
        """Tell the founder what waits for them (or came back), once per notification id."""
        async with self._engine.begin() as conn:
            contract = await get_contract(conn, cmd.contract_id)
            if contract is None:
                raise NotFound(f"contract {cmd.contract_id} does not exist", code="contract_not_found")
            told = notice(cmd.kind, str(cmd.contract_id), contract["version"], contract["proposed_changes"],
                          due=cmd.due, details=cmd.details)
            await self._notifier.send(conn, Notification(
                id=cmd.notification_id, recipient=cmd.recipient, subject=told.subject, body=told.body,
                contract_id=cmd.contract_id, at=cmd.at, kind=cmd.kind))
            await append_once(conn, contract_stream(cmd.contract_id), cmd.notification_id, "founder.notified",
                              {"kind": cmd.kind, "recipient": cmd.recipient, "subject": told.subject,
                               "due": cmd.due.isoformat() if cmd.due else None}, cmd.at, contract["tenant_id"])

    @activity.defn(name="raise_incident")
    async def raise_incident(self, cmd: RaiseIncident) -> None:
        async with self._engine.begin() as conn:
            if (await conn.execute(select(incidents.c.id).where(incidents.c.id == cmd.incident_id))).first():
                return
            await conn.execute(pg_insert(incidents).values(
                id=cmd.incident_id, contract_id=cmd.contract_id, job_id=cmd.job_id, kind=cmd.kind,
                summary=cmd.summary, details=cmd.details, status="OPEN", created_at=cmd.at))
            await self._notifier.send(conn, Notification(
                id=cmd.notification_id, recipient=cmd.recipient, subject=f"[Revenue OS] {cmd.summary}",
                body=f"{cmd.summary}. Reasons: {'; '.join(cmd.details.get('reasons', []))}",
                contract_id=cmd.contract_id, at=cmd.at,
                kind="not_executed" if cmd.kind == "contract_not_executed" else "rolled_back"))
            await append_once(conn, contract_stream(cmd.contract_id), cmd.incident_id, "incident.opened",
                              {"incident_id": str(cmd.incident_id), "summary": cmd.summary,
                               "notified": cmd.recipient}, cmd.at)

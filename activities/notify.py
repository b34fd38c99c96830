"""The notifier port every domain notifies people through, and the one place the channel adapters are wired.

`Notifier.notify(Notice)` sends an e-mail, an SMS or an operator alert with the same adapters the post-call
integrations use (SMTP or the local record, Twilio Messages or the local record, the operator channel).
Governed change's founder notifications (activities/governance_notify.py) and capital's alerts (activities/capital.py)
go through it: `channels_for(settings, engine)` once per process, then `ChannelNotifier(channels)`; an activity sends
with `send_from_activity`, which lets Temporal retry a send that may work next time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.channels.alert import OperatorAlerts
from activities.channels.base import AlertPort, EmailPort, Sent, SmsPort, WebhookPort
from activities.channels.calendar import CaldavCalendar, CalendarPort, TableCalendar
from activities.channels.email import LocalEmail, SmtpEmail
from activities.channels.sms import LocalSms, TwilioSms
from activities.channels.webhook import HttpxWebhook
from infra.settings import Settings

log = logging.getLogger(__name__)
# A send that failed but may work later (a relay down) fails its activity this many times, so Temporal retries it;
# after that the notice is given up (and recorded as failed by the caller), never holding its workflow up.
SEND_ATTEMPTS = 5


class Notice(BaseModel):
    """One notification; `key` makes it idempotent (a retried activity sends it once)."""

    key: str
    channel: Literal["email", "sms", "alert"]
    to: list[str] = Field(default_factory=list)
    subject: str
    text: str
    source: str = "revos"
    severity: Literal["info", "warning", "critical"] = "warning"
    tenant_id: UUID | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class Notifier(Protocol):
    async def notify(self, notice: Notice) -> Sent: ...


@dataclass(frozen=True)
class Channels:
    """Every channel adapter of one process."""

    webhook: WebhookPort
    sms: SmsPort
    email: EmailPort
    calendar: CalendarPort
    alert: AlertPort


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _email(settings: Settings, engine: AsyncEngine) -> EmailPort:
    host = settings.smtp_host or settings.governance_smtp_host
    if not host:
        return LocalEmail(engine)
    port = settings.smtp_port if settings.smtp_host else settings.governance_smtp_port
    sender = settings.smtp_sender if settings.smtp_host else settings.governance_smtp_sender
    return SmtpEmail(engine, host, port, sender, starttls=settings.smtp_starttls and bool(settings.smtp_host),
                     username=settings.smtp_username, password=_secret(settings.smtp_password),
                     ca_file=settings.smtp_ca_file, timeout=settings.smtp_timeout_seconds)


def _sms(settings: Settings, engine: AsyncEngine) -> SmsPort:
    token = _secret(settings.twilio_auth_token)
    if settings.twilio_account_sid and token and settings.twilio_messaging_from:
        return TwilioSms(engine, settings.twilio_account_sid, token, settings.twilio_messaging_from,
                         base_url=settings.twilio_api_base_url)
    return LocalSms(engine)


def channels_for(settings: Settings, engine: AsyncEngine) -> Channels:
    """The deployment's adapters: the real one where its settings are present, else the local twin."""
    webhook = HttpxWebhook(timeout=settings.webhook_timeout_seconds,
                           allow_private=settings.webhook_allow_private_hosts)
    email, sms = _email(settings, engine), _sms(settings, engine)
    table = TableCalendar(engine)
    calendar: CalendarPort = table if not settings.caldav_url else CaldavCalendar(
        table, settings.caldav_url, username=settings.caldav_username, password=_secret(settings.caldav_password))
    alert = OperatorAlerts(engine, webhook=webhook, email=email, sms=sms, webhook_url=settings.alert_webhook_url,
                           email_to=settings.alert_email, sms_to=settings.alert_sms)
    return Channels(webhook=webhook, sms=sms, email=email, calendar=calendar, alert=alert)


class ChannelNotifier:
    """`Notifier` over the channel adapters."""

    def __init__(self, channels: Channels) -> None:
        self._channels = channels

    async def notify(self, notice: Notice) -> Sent:
        if notice.channel == "email":
            return await self._channels.email.send_email(notice.key, notice.tenant_id, notice.to, notice.subject,
                                                         notice.text)
        if notice.channel == "sms":
            results = [await self._channels.sms.send_sms(f"{notice.key}:{to}", notice.tenant_id, to, notice.text)
                       for to in notice.to]
            failed = [r.error or "" for r in results if not r.ok]
            return Sent(not failed, "; ".join(failed) or None, retryable=all(r.retryable for r in results))
        return await self._channels.alert.alert(notice.key, notice.source, notice.severity, notice.subject,
                                                notice.text, notice.detail)


async def send_from_activity(notifier: Notifier, notice: Notice) -> Sent:
    """Send `notice`; a retryable failure raises (so the activity is retried, at most SEND_ATTEMPTS times), any other
    failure is logged and returned. The notice's key makes the retries send it once."""
    sent = await notifier.notify(notice)
    if sent.ok:
        return sent
    attempt = activity.info().attempt if activity.in_activity() else SEND_ATTEMPTS
    if sent.retryable and attempt < SEND_ATTEMPTS:
        raise ApplicationError(f"{notice.channel} {notice.key}: {sent.error}", type="notification_not_sent")
    log.warning("notification %s (%s) not sent: %s", notice.key, notice.channel, sent.error)
    return sent

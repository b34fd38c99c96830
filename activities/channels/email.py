"""E-mail: SMTP with STARTTLS and login when configured; else the local twin records the message in Postgres.

An iCalendar invite travels as a `text/calendar; method=REQUEST` part, which mail clients offer to add.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels.base import Sent, short
from activities.channels.records import already_sent, record
from infra.db.tables_integrations import email_messages


def build_message(sender: str, to: list[str], subject: str, text: str, invite: str | None, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Message-ID"] = f"<{key}@revos>"  # the same on a retry: receiving servers may drop the duplicate
    message.set_content(text)
    if invite is not None:
        message.add_attachment(invite.encode("utf-8"), maintype="text", subtype="calendar",
                               filename="invite.ics", params={"method": "REQUEST"})
    return message


class LocalEmail:
    """Records the message (the local twin)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def send_email(self, key: str, tenant_id: UUID | None, to: list[str], subject: str, text: str,
                         invite: str | None = None) -> Sent:
        fresh = await record(self._engine, email_messages, key, tenant_id=tenant_id, recipients=to, subject=subject,
                             body=text, has_invite=invite is not None, provider="local")
        return Sent(True, detail={"provider": "local", "duplicate": not fresh})


class SmtpEmail:
    """Sends over SMTP (blocking smtplib, so in a thread) and records what it sent."""

    def __init__(self, engine: AsyncEngine, host: str, port: int, sender: str, *, starttls: bool = True,
                 username: str | None = None, password: str | None = None, ca_file: str | None = None,
                 timeout: float = 10.0) -> None:
        self._engine = engine
        self._host, self._port, self._sender = host, port, sender
        self._starttls, self._username, self._password = starttls, username, password
        self._context = ssl.create_default_context(cafile=ca_file)
        self._timeout = timeout

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
            smtp.ehlo()
            if self._starttls:
                smtp.starttls(context=self._context)
                smtp.ehlo()
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(message)

    async def send_email(self, key: str, tenant_id: UUID | None, to: list[str], subject: str, text: str,
                         invite: str | None = None) -> Sent:
        if await already_sent(self._engine, email_messages, key):
            return Sent(True, detail={"provider": "smtp", "duplicate": True})
        message = build_message(self._sender, to, subject, text, invite, key)
        try:
            await asyncio.to_thread(self._send, message)
        except smtplib.SMTPRecipientsRefused as exc:
            return Sent(False, short(exc), retryable=False)
        except smtplib.SMTPAuthenticationError as exc:
            return Sent(False, f"SMTP login refused ({exc.smtp_code})", retryable=True)
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            return Sent(False, short(exc))
        await record(self._engine, email_messages, key, tenant_id=tenant_id, recipients=to, subject=subject,
                     body=text, has_invite=invite is not None, provider="smtp")
        return Sent(True, detail={"provider": "smtp"})

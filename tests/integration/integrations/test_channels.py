"""The channel adapters against real local servers: Twilio's Messages shape, SMTP with STARTTLS and login, a
CalDAV-shaped server; and the webhook's address check at delivery.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels.calendar import CaldavCalendar, TableCalendar
from activities.channels.email import SmtpEmail
from activities.channels.sms import TwilioSms
from activities.channels.webhook import HttpxWebhook
from activities.notify import ChannelNotifier, Notice, channels_for
from domain.integrations.calendar import ics_invite, requested_slot
from infra.db.tables_integrations import calendar_bookings, operator_alerts, sms_messages
from infra.settings import Settings
from tests.helpers.net import free_port
from tests.helpers.receivers import CaldavServer, FakeTwilioMessages, WebhookReceiver
from tests.helpers.smtp import PASSWORD, USER, start_smtp

pytestmark = pytest.mark.integration
ACCOUNT = "AC" + "1" * 32
STAMP = datetime(2026, 11, 25, tzinfo=UTC)


async def _rows(engine: AsyncEngine, table: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(select(table))).mappings().all()]


async def test_twilio_sms_through_the_sdk_once_per_key(engine: AsyncEngine) -> None:
    server = FakeTwilioMessages()
    await server.start()
    try:
        sms = TwilioSms(engine, ACCOUNT, "token", "+61290000009", base_url=server.base_url)
        first = await sms.send_sms("dlv_1", None, "+61400000003", "New lead\nname: Sam Lee")
        again = await sms.send_sms("dlv_1", None, "+61400000003", "New lead\nname: Sam Lee")
        service = TwilioSms(engine, ACCOUNT, "token", "MG" + "2" * 32, base_url=server.base_url)
        await service.send_sms("dlv_2", None, "+61400000004", "hello")
        server.status = 400
        refused = await sms.send_sms("dlv_3", None, "+61400000005", "hello")
    finally:
        await server.stop()
    assert first.ok and first.detail["sid"].startswith("SM") and again.ok and again.detail["duplicate"]
    assert [(m["To"], m.get("From"), m.get("MessagingServiceSid")) for m in server.created] == [
        ("+61400000003", "+61290000009", None), ("+61400000004", None, "MG" + "2" * 32)]
    assert server.created[0]["Body"] == "New lead\nname: Sam Lee"
    assert not refused.ok and not refused.retryable and "21211" in (refused.error or "")
    rows = await _rows(engine, sms_messages)
    assert [(r["idempotency_key"], r["provider"]) for r in rows] == [("dlv_1", "twilio"), ("dlv_2", "twilio")]


async def test_smtp_with_starttls_and_login_carries_the_invite(engine: AsyncEngine, tmp_path: Path) -> None:
    port = free_port()
    controller, mailbox, ca = start_smtp(tmp_path, port)
    slot = requested_slot("2026-11-26T15:00:00+11:00", "Australia/Sydney", 60)
    invite = ics_invite("dlv_9@revos", slot, "Appointment request: Sam Lee", "name: Sam Lee",
                        organizer="revos@x.example", attendees=["office@harbour.example"], stamp=STAMP)
    try:
        mail = SmtpEmail(engine, "127.0.0.1", port, "revos@x.example", username=USER, password=PASSWORD,
                         ca_file=str(ca))
        sent = await mail.send_email("dlv_9", None, ["office@harbour.example"], "[Revenue OS] Appointment", "text",
                                     invite=invite)
        again = await mail.send_email("dlv_9", None, ["office@harbour.example"], "[Revenue OS] Appointment", "text")
        wrong = SmtpEmail(engine, "127.0.0.1", port, "revos@x.example", username=USER, password="nope",
                          ca_file=str(ca))
        refused = await wrong.send_email("dlv_10", None, ["office@harbour.example"], "s", "t")
        plain = SmtpEmail(engine, "127.0.0.1", port, "revos@x.example", starttls=False, username=USER,
                          password=PASSWORD)
        cleartext = await plain.send_email("dlv_11", None, ["office@harbour.example"], "s", "t")
    finally:
        controller.stop()
    assert sent.ok and again.detail["duplicate"] and not refused.ok and not cleartext.ok
    (message,) = mailbox.messages
    assert message["Subject"] == "[Revenue OS] Appointment" and message["Message-ID"] == "<dlv_9@revos>"
    parts = {p.get_content_type(): p for p in message.walk()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    body = bytes(calendar.get_payload(decode=True)).decode()
    assert "DTSTART:20261126T040000Z" in body
    assert "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:office@harbour" in body


async def test_caldav_gets_booked_slots_and_conflicts_stay_in_the_table(engine: AsyncEngine) -> None:
    server = CaldavServer()
    await server.start()
    tenant = uuid.uuid4()
    slot = requested_slot("2026-11-26T15:00:00+11:00", "Australia/Sydney", 60)
    overlapping = requested_slot("2026-11-26T15:30:00+11:00", "Australia/Sydney", 60)
    ics = ics_invite("u@revos", slot, "Appointment", "d", organizer="o@x.example", attendees=[], stamp=STAMP)
    try:
        caldav = CaldavCalendar(TableCalendar(engine), server.url, username="cal", password="secret")
        booked, sent = await caldav.book("dlv_a", tenant, "CA1", slot, "Appointment", ics)
        again, resent = await caldav.book("dlv_a", tenant, "CA1", slot, "Appointment", ics)
        clash, clash_sent = await caldav.book("dlv_b", tenant, "CA2", overlapping, "Appointment", ics)
        other = await TableCalendar(engine).record("dlv_c", uuid.uuid4(), "CA3", overlapping, "Appointment")
    finally:
        await server.stop()
    assert booked.status == "booked" and again == booked and sent.ok and resent.ok
    assert clash.status == "conflict" and clash.conflicts_with == booked.id and clash_sent.ok
    assert other.status == "booked"  # another tenant's calendar
    (path,) = server.objects
    assert path == f"/cal/{tenant}/{booked.id}.ics" and "METHOD" not in server.objects[path]
    assert server.auth[0].startswith("Basic ")
    rows = await _rows(engine, calendar_bookings)
    assert sorted(r["status"] for r in rows) == ["booked", "booked", "conflict"]


async def test_the_webhook_refuses_private_and_unresolvable_hosts_before_connecting() -> None:
    hook = HttpxWebhook(timeout=2, allow_private=False)
    loopback = await hook.post("http://localhost:9/hook", b"{}", {})
    private = await hook.post("http://10.1.2.3/hook", b"{}", {})
    nowhere = await hook.post("https://does-not-exist.invalid/hook", b"{}", {})
    not_http = await hook.post("ftp://example.com/x", b"{}", {})
    assert not loopback.ok and not loopback.retryable and "loopback" in (loopback.error or "")
    assert not private.ok and "private" in (private.error or "")
    assert not nowhere.ok and nowhere.retryable and not not_http.ok and not not_http.retryable


async def test_the_notifier_records_operator_alerts_and_forwards_them(engine: AsyncEngine, settings: Settings) -> None:
    receiver = WebhookReceiver("unused", require_signature=False)
    await receiver.start()
    try:
        notifier = ChannelNotifier(channels_for(settings.model_copy(update={"alert_webhook_url": receiver.url,
                                                                            "alert_sms": "+61400000009"}), engine))
        sent = await notifier.notify(Notice(key="capital:exp1:80", channel="alert", subject="Experiment at 80%",
                                            text="spend 800 of 1000", source="capital"))
        again = await notifier.notify(Notice(key="capital:exp1:80", channel="alert", subject="Experiment at 80%",
                                             text="spend 800 of 1000", source="capital"))
    finally:
        await receiver.stop()
    assert sent.ok and again.ok
    (alert,) = await _rows(engine, operator_alerts)
    assert alert["source"] == "capital" and alert["subject"] == "Experiment at 80%"
    assert len(receiver.seen) == 2 and {s.key for s in receiver.seen} == {"capital:exp1:80"}
    (sms,) = await _rows(engine, sms_messages)
    assert sms["to_number"] == "+61400000009" and sms["provider"] == "local"

"""SIGKILL the real worker while a post-call delivery's webhook request is in flight: a new worker finishes every
delivery, each effect lands once (the receiver applies one Idempotency-Key once; the SMS, e-mail and calendar
records are keyed the same way), and each delivery's stream says delivered once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.integrations import delivery_id
from domain.tenants import Tenant
from infra.db.event_store import EventStore
from infra.db.tables_integrations import calendar_bookings, email_messages, sms_messages
from infra.db.tenant_secrets import store_secret
from infra.db.tenants import create_tenant
from infra.secrets_box import SecretBox
from infra.settings import Settings
from tests.helpers.integrations import (
    LEAD,
    LEAD_DELIVERIES,
    activate_config,
    call_events,
    harbour_document,
    settled,
    start_call,
)
from tests.helpers.polling import until
from tests.helpers.receivers import WebhookReceiver
from tests.helpers.worker_process import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SECRET = "whsec_fault_" + uuid.uuid4().hex


async def _count(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_delivery_killed_mid_webhook_delivers_each_effect_once(workers: WorkerProcess, engine: AsyncEngine,
                                                                     settings: Settings,
                                                                     temporal_client: Client) -> None:
    assert settings.secrets_key is not None
    tenant = Tenant(id=uuid.uuid4(), name="Harbour Plumbing")
    receiver = WebhookReceiver(SECRET, delay_seconds=1.5)  # long enough to die in the middle of the request
    await receiver.start()
    workers.env.update({"REVOS_WEBHOOK_ALLOW_PRIVATE_HOSTS": "true", "REVOS_DELIVERY_ATTEMPT_TIMEOUT_SECONDS": "4",
                        "REVOS_DELIVERY_INITIAL_BACKOFF_SECONDS": "0.2", "REVOS_DELIVERY_BACKOFF_MAX_SECONDS": "0.5"})
    try:
        async with engine.begin() as conn:
            await create_tenant(conn, tenant, datetime.now(UTC))
            await activate_config(conn, tenant.id, harbour_document(receiver.url))
            await store_secret(conn, SecretBox(settings.secrets_key.get_secret_value()), tenant.id, "crm_signing",
                               SECRET, datetime.now(UTC))
        workers.start()
        await start_call(temporal_client, settings, "CA-killed", tenant.id,
                         call_events("CA-killed", tenant.id, outcomes=LEAD))
        await until(lambda: _seen(receiver), timeout=60, every=0.05)  # a webhook request is in flight
        workers.kill()
        in_flight = len(receiver.seen)
        workers.start()
        done = await settled(engine, "CA-killed", 5, timeout=90)
    finally:
        await receiver.stop()
    assert {k: r["status"] for k, r in done.items()} == dict.fromkeys(LEAD_DELIVERIES, "delivered")
    keys = {delivery_id("CA-killed", "crm", "lead.captured"), delivery_id("CA-killed", "crm", "call.ended")}
    assert dict(receiver.applied) == dict.fromkeys(keys, 1)  # each effect once, however often it was sent
    assert len(receiver.seen) > in_flight >= 1  # the request cut off by the kill was made again, under its key
    assert {s.key for s in receiver.seen} == keys and all(s.verified for s in receiver.seen)
    assert await _count(engine, sms_messages) == 1 and await _count(engine, calendar_bookings) == 1
    async with engine.connect() as conn:  # the call-ended e-mail, and the booking's invite to the office
        subjects = sorted((await conn.execute(select(email_messages.c.subject))).scalars())
    assert subjects == ["[Revenue OS] Appointment request: Sam Lee", "[Revenue OS] Call ended from +61400000001"]
    store = EventStore(engine)
    for row in done.values():
        types = [e.type for e in await store.read(f"delivery:{row['id']}")]
        assert types.count("delivery.delivered") == 1 and types[0] == "delivery.scheduled", types


async def _seen(receiver: WebhookReceiver) -> bool | None:
    return True if receiver.seen else None

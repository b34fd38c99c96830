"""A finished call's deliveries, end to end: CallWorkflow -> follow-up -> one DeliveryWorkflow per (integration,
event) -> the channels (a real local webhook receiver, the local SMS / e-mail / calendar twins).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.integrations import PlanDeliveries, delivery_id, follow_up_workflow_id, relevant
from domain.tenants import Tenant
from infra.db.tables_integrations import calendar_bookings, email_messages, operator_alerts, sms_messages
from infra.db.tenant_secrets import store_secret
from infra.secrets_box import SecretBox
from infra.settings import Settings
from infra.temporal import queues
from tests.helpers.integrations import (
    LEAD,
    LEAD_DELIVERIES,
    activate_config,
    call_events,
    harbour_document,
    settled,
    start_call,
)
from tests.helpers.receivers import WebhookReceiver
from workers.integrations import integrations_bundle
from workers.voice import voice_bundle
from workflows.call_followup import CallFollowUpWorkflow

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SECRET = "whsec_test_" + uuid.uuid4().hex


async def _configure(engine: AsyncEngine, settings: Settings, tenant: Tenant, url: str) -> None:
    assert settings.secrets_key is not None
    async with engine.begin() as conn:
        await activate_config(conn, tenant.id, harbour_document(url))
        await store_secret(conn, SecretBox(settings.secrets_key.get_secret_value()), tenant.id, "crm_signing", SECRET,
                           datetime.now(UTC))


async def _rows(engine: AsyncEngine, table: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(select(table))).mappings().all()]


async def test_a_lead_reaches_every_integration_once(worker: Any, engine: AsyncEngine, settings: Settings,
                                                     tenant: Tenant, temporal_client: Client) -> None:
    receiver = WebhookReceiver(SECRET)
    await receiver.start()
    try:
        await _configure(engine, settings, tenant, receiver.url)
        events = call_events("CA-lead", tenant.id, outcomes=LEAD)
        async with worker(voice_bundle, integrations_bundle):
            await start_call(temporal_client, settings, "CA-lead", tenant.id, events)
            done = await settled(engine, "CA-lead", 5)
            again = await temporal_client.execute_workflow(
                CallFollowUpWorkflow.run, PlanDeliveries(call_sid="CA-lead", tenant_id=str(tenant.id),
                                                         events=relevant(events)),
                id=follow_up_workflow_id("CA-lead") + "-again", task_queue=settings.queue(queues.INTEGRATIONS))
    finally:
        await receiver.stop()
    assert {k: r["status"] for k, r in done.items()} == dict.fromkeys(LEAD_DELIVERIES, "delivered")
    assert len(again.already_started) == 5 and not again.started  # a duplicate start is a no-op
    lead_key = delivery_id("CA-lead", "crm", "lead.captured")
    assert dict(receiver.applied) == {lead_key: 1, delivery_id("CA-lead", "crm", "call.ended"): 1}
    assert all(s.verified for s in receiver.seen)
    assert receiver.bodies[lead_key]["data"] == {  # by objective id, each value with its kind
        "captured": {"name": {"kind": "name", "value": "Sam Lee"}, "phone": {"kind": "phone", "value": "+61412345678"},
                     "visit": {"kind": "date_time", "value": "2026-11-26T15:00:00+11:00"}},
        "chosen": {"service": "quote"}}
    (sms,) = await _rows(engine, sms_messages)
    assert sms["to_number"] == "+61400000003" and "name: Sam Lee" in sms["body"] and sms["provider"] == "local"
    mails = {m["subject"]: m for m in await _rows(engine, email_messages)}
    assert mails["[Revenue OS] Call ended from +61400000001"]["recipients"] == ["office@harbour.example"]
    assert mails["[Revenue OS] Appointment request: Sam Lee"]["has_invite"]
    (booking,) = await _rows(engine, calendar_bookings)
    assert booking["status"] == "booked" and booking["starts_at"] == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


async def test_a_broken_receiver_parks_and_a_redrive_delivers_once(worker: Any, engine: AsyncEngine,
                                                                   settings: Settings, tenant: Tenant,
                                                                   temporal_client: Client, api: httpx.AsyncClient,
                                                                   keys: Any) -> None:
    receiver = WebhookReceiver(SECRET, mode="error")
    await receiver.start()
    try:
        await _configure(engine, settings, tenant, receiver.url)
        events = call_events("CA-dead", tenant.id, outcomes=LEAD[:2] + [("phone", "failed", None)])
        async with worker(voice_bundle, integrations_bundle):
            await start_call(temporal_client, settings, "CA-dead", tenant.id, events)
            await settled(engine, "CA-dead", 2)
            listed = await api.get("/v1/deliveries", params={"status": "dead", "tenant_id": str(tenant.id)},
                                   headers=keys.headers("operator"))
            (dead,) = [d for d in listed.json()["deliveries"] if d["integration_id"] == "crm"]
            receiver.mode = "ok"
            redriven = await api.post(f"/v1/deliveries/{dead['id']}/redrive", headers=keys.headers("operator"))
            done = await settled(engine, "CA-dead", 2, statuses=frozenset({"delivered"}))
            refused = await api.post(f"/v1/deliveries/{dead['id']}/redrive", headers=keys.headers("operator"))
            detail = await api.get(f"/v1/deliveries/{dead['id']}", headers=keys.headers("admin"))
    finally:
        await receiver.stop()
    assert dead["attempts"] == settings.delivery_max_attempts and "HTTP 500" in dead["last_error"]
    assert redriven.status_code == 200 and redriven.json()["status"] == "retrying"
    assert refused.status_code == 409 and refused.json()["code"] == "delivery_not_parked"
    assert done[("crm", "call.ended")]["attempts"] == settings.delivery_max_attempts + 1
    assert dict(receiver.applied) == {dead["id"]: 1}
    types = [e["type"] for e in detail.json()["events"]]
    assert types == ["delivery.scheduled", *["delivery.attempted"] * 3, "delivery.parked", "delivery.redriven",
                     "delivery.attempted", "delivery.delivered"]
    alerts = await _rows(engine, operator_alerts)
    assert [a["subject"] for a in alerts] == ["Delivery parked"] and dead["id"] in alerts[0]["body"]


async def test_a_private_host_is_refused_at_delivery(worker: Any, engine: AsyncEngine, settings: Settings,
                                                     tenant: Tenant, temporal_client: Client) -> None:
    receiver = WebhookReceiver(SECRET)
    await receiver.start()
    strict = settings.model_copy(update={"webhook_allow_private_hosts": False})
    try:
        await _configure(engine, settings, tenant, receiver.url)
        events = call_events("CA-ssrf", tenant.id, outcomes=LEAD[:2] + [("phone", "failed", None)])
        async with worker(voice_bundle, integrations_bundle_for(strict)):
            await start_call(temporal_client, settings, "CA-ssrf", tenant.id, events)
            done = await settled(engine, "CA-ssrf", 2)
    finally:
        await receiver.stop()
    hook = done[("crm", "call.ended")]
    assert hook["status"] == "dead" and hook["attempts"] == 1 and "loopback" in hook["last_error"]
    assert not receiver.seen


def integrations_bundle_for(settings: Settings) -> Any:
    def make(deps: Any) -> Any:
        return integrations_bundle(type(deps)(settings=settings, engine=deps.engine, client=deps.client))
    return make

"""The dashboards' edits in a real browser: the customer changes business hours and watches the new version go
live (real onboarding: smoke calls spoken to the voice worker), the operator reads the diff and rolls back, and
redrives a parked delivery; a customer cannot reach another tenant's edit form.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api.ui.formats import money4
from domain.auth import Role
from domain.tenants import Tenant
from infra.db import tenant_configs
from infra.db.principals import create_principal
from infra.db.tables_integrations import call_cost_lines
from infra.db.tenant_secrets import store_secret
from infra.db.tenants import create_tenant
from infra.secrets_box import SecretBox
from infra.settings import Settings
from tests.e2e.dashboards.test_dashboards_browser import Session, tab
from tests.helpers.dashboards import seed_calls, tenant_with_key
from tests.helpers.integrations import LEAD, activate_config, call_events, harbour_document, settled, start_call
from tests.helpers.onboarding import OPTIONAL_CAPTURES, document, upload
from tests.helpers.onboarding import create_tenant as api_tenant
from tests.helpers.receivers import WebhookReceiver
from tests.helpers.voice_worker import FAST, VoiceFactory
from workers.integrations import integrations_bundle
from workers.onboarding import onboarding_bundle
from workers.voice import voice_bundle

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]
__all__ = ["tab"]
TUNING = {**FAST, "voice_end_of_turn_silence_ms": 500}
SECRET = "whsec_test_dashboards"
# A message line: it takes the caller's name and promises a call back (their number is the caller id). One
# capture keeps each smoke call short; the phone read-back alone would double it.
TAKES_A_NAME = [OPTIONAL_CAPTURES[0], OPTIONAL_CAPTURES[2]]


async def live_tenant(api: Any, keys: Any, engine: AsyncEngine) -> tuple[str, str]:
    """A tenant whose v1 is live (smoke verdict recorded as onboarding would) and its customer's key."""
    ops = keys.headers("operator")
    tenant = await api_tenant(api, ops, "Acme Plumbing")
    await upload(api, ops, tenant, document(objectives=TAKES_A_NAME, notifications={"emails": ["office@acme.example"]}))
    async with engine.begin() as conn:
        await tenant_configs.record_smoke(conn, UUID(tenant), 1, passed=True, workflow_id="setup", detail={},
                                          now=datetime.now(UTC))
        _, key = await create_principal(conn, name="Acme owner", role=Role.CUSTOMER, tenant_id=UUID(tenant))
    assert (await api.post(f"/v1/tenants/{tenant}/configs/1/activate", headers=ops)).status_code == 200
    return tenant, key


async def test_the_customer_changes_business_hours_and_watches_the_version_go_live(
    api: Any, keys: Any, engine: AsyncEngine, worker: Any, voice_worker: VoiceFactory, piper: Any, pocketsphinx: Any,
    tab: Any
) -> None:
    tenant, key = await live_tenant(api, keys, engine)
    other, _ = await tenant_with_key(engine, "Northside Clinic", datetime.now(UTC))
    customer: Session = await tab("customer")
    await customer.sign_in(key)
    await customer.visit(f"/ui/tenants/{other}/settings", "other-settings-refused", status=403)
    csrf = await customer.page.locator("input[name=csrf]").first.get_attribute("value")
    forged = await customer.page.request.post(f"{customer.base}/ui/tenants/{other}/settings",
                                              form={"csrf": str(csrf), "hours_mon": "08:00-12:00"})
    assert forged.status == 403 and "scoped to another tenant" in await forged.text()
    for action in (f"/ui/tenants/{tenant}/configs/1/activate", "/ui/deliveries/any/redrive"):  # operators' forms
        refused = await customer.page.request.post(customer.base + action, form={"csrf": str(csrf)})
        assert refused.status == 403 and "may not" in await refused.text(), action
    await customer.page.goto(f"{customer.base}/ui/tenants/{tenant}")
    await customer.page.click("[data-test=settings-link] a")
    form = customer.page.locator("form[data-test=settings-form]")
    assert await form.locator("input[name=hours_mon]").input_value() == "07:00-17:00"
    await form.locator("textarea[name=holidays]").fill("christmas")
    await form.locator("button[data-test=save-settings]").click()
    assert "not a date" in (await customer.page.inner_text("[data-test=refusal]")).lower()
    await customer.shot("settings-refused")
    async with worker(onboarding_bundle), voice_worker(pocketsphinx, piper, **TUNING):
        await form.locator("textarea[name=holidays]").fill("2026-12-25")
        await form.locator("input[name=hours_mon]").fill("08:00-12:00, 13:00-16:00")
        await form.locator("button[data-test=save-settings]").click()
        await customer.page.wait_for_url(re.compile(r"run=onboarding-"))
        await customer.shot("settings-deploying")
        await customer.page.goto(f"{customer.base}/ui/tenants/{tenant}/settings")  # back later: the change is shown
        run = customer.page.locator("[data-test=onboarding-run]")
        await run.and_(customer.page.locator("[data-status=active], [data-status=failed]")).wait_for(timeout=120_000)
        assert await run.get_attribute("data-status") == "active", await run.inner_text()
    assert "Version v2 is live" in await customer.page.inner_text("[data-test=live]")
    assert "2 of 2 calls done, 2 passed" in await run.locator("tr[data-stage=smoke]").inner_text()
    await customer.shot("settings-live")
    await customer.page.click("a:has-text('version history')")
    await customer.page.wait_for_load_state()
    assert await customer.page.inner_text("[data-test=active-version]") == "v2"
    assert await customer.page.locator("[data-test=onboarding-run][data-status=active]").count() == 1
    assert await customer.page.locator("form[action$='/activate'], a.temporal").count() == 0  # operators' only
    assert "business.hours.mon" in await customer.page.inner_text("[data-test=diff]")
    assert await customer.page.locator("[data-test=smoke-calls] tr[data-call]").count() == 2  # listed apart
    await customer.shot("configs")
    await customer.page.goto(f"{customer.base}/ui/tenants/{tenant}")  # the smoke calls are not the tenant's calls
    assert await customer.page.locator("a[href^='/ui/calls/']").count() == 0
    assert "No calls yet." in await customer.page.inner_text("main")
    async with engine.connect() as conn:
        live = await tenant_configs.active_stored(conn, UUID(tenant))
    assert live is not None and live.version == 2 and live.derived_from == 1
    assert live.canonical["business"]["hours"]["mon"] == ["08:00-12:00", "13:00-16:00"]
    assert live.canonical["business"]["holidays"] == ["2026-12-25"]


async def operator_world(engine: AsyncEngine, settings: Settings, receiver: WebhookReceiver) -> Tenant:
    """Harbour Plumbing: v1 and v2 (new hours) both smoke-passed, v2 live, calls on each, a live call's cost."""
    tenant = Tenant(id=uuid.uuid4(), name="Harbour Plumbing")
    now = datetime.now(UTC)
    assert settings.secrets_key is not None
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, now)
        await activate_config(conn, tenant.id, harbour_document(receiver.url))
        await activate_config(conn, tenant.id, harbour_document(receiver.url).replace(
            'sat: ["08:00-12:00"]', 'sat: ["09:00-13:00"], sun: ["10:00-12:00"]'))
        await store_secret(conn, SecretBox(settings.secrets_key.get_secret_value()), tenant.id, "crm_signing", SECRET,
                           now)
        await conn.execute(call_cost_lines.insert(), [
            {"call_sid": f"CA-{purpose}", "line": line, "tenant_id": tenant.id, "component": component, "basis": "rate",
             "quantity": qty, "unit": unit, "rate_usd": rate, "amount_usd": qty * rate, "day": now.date(),
             "config_version": 2, "core_version": "test", "detail": {}, "started_at": now, "purpose": purpose}
            for line, component, qty, unit, rate, purpose in (
                ("telephony", "telephony", 2, "minute", 0.0085, "live"), ("stt", "stt", 2, "minute", 0.006, "live"),
                ("telephony", "telephony", 5, "minute", 1.0, "smoke"))])
    for version in (1, 2):
        await seed_calls(engine, tenant.id, [now - timedelta(hours=(3 - version) * 3 + h) for h in range(2)],
                         seed=version, config_version=version)
    return tenant


async def test_the_operator_reads_the_diff_rolls_back_and_redrives_a_parked_delivery(
    keys: Any, engine: AsyncEngine, settings: Settings, worker: Any, temporal_client: Client, tab: Any
) -> None:
    receiver = WebhookReceiver(SECRET, mode="error")
    await receiver.start()
    try:
        tenant = await operator_world(engine, settings, receiver)
        operator: Session = await tab("operator")
        await operator.sign_in(keys["operator"])
        await operator.visit(f"/ui/tenants/{tenant.id}", "harbour")
        await operator.page.click("[data-test=configs-link]")
        await operator.page.wait_for_load_state()
        assert await operator.page.inner_text("[data-test=active-version]") == "v2"
        diff = operator.page.locator("[data-test=diff]")
        assert await diff.locator("tr[data-path='business.hours.sat']").count() == 1
        assert "10:00-12:00" in await diff.locator("tr[data-path='business.hours.sun']").inner_text()
        assert await diff.locator("tbody tr").count() == 2
        history = operator.page.locator("table[data-test=history]")
        assert await history.locator("tr[data-version='1'] a[href^='/ui/calls/']").count() == 2
        await operator.shot("configs")
        await history.locator("button[data-test=activate-1]").click()
        await operator.page.wait_for_url(re.compile(r"notice="))
        assert "version v1 is active (was v2)" in await operator.page.inner_text("[data-test=notice]")
        assert await operator.page.inner_text("[data-test=active-version]") == "v1"
        assert "rollback" in await operator.page.inner_text("table[data-test=activations]")
        await operator.shot("rolled-back")

        async with worker(voice_bundle, integrations_bundle):
            await start_call(temporal_client, settings, "CA-parked", tenant.id,
                             call_events("CA-parked", tenant.id, outcomes=LEAD[:2] + [("phone", "failed", None)]))
            parked = await settled(engine, "CA-parked", 2)
            dead = parked[("crm", "call.ended")]
            assert dead["status"] == "dead"
            await operator.visit("/ui/operator", "platform-parked")
            row = operator.page.locator(f"table[data-test=delivery-failures] tr[data-delivery='{dead['id']}']")
            assert "HTTP 500" in await row.inner_text()
            assert await row.locator("a.temporal").get_attribute("href") is not None
            costs = await operator.page.inner_text("table[data-test=costs]")
            assert "Harbour Plumbing" in costs and money4(await live_per_minute(engine, tenant.id)) in costs
            receiver.mode = "ok"
            await row.locator("button[data-test=redrive]").click()
            await operator.page.wait_for_url(re.compile(r"notice="))
            assert "is retrying" in await operator.page.inner_text("[data-test=notice]")
            await settled(engine, "CA-parked", 2, statuses=frozenset({"delivered"}))
            await operator.visit("/ui/operator", "platform-redriven")
            assert await row.count() == 0
    finally:
        await receiver.stop()
    assert dict(receiver.applied) == {dead["id"]: 1}
    async with engine.connect() as conn:
        smoke_cost = (await conn.execute(select(call_cost_lines.c.purpose).where(
            call_cost_lines.c.purpose == "smoke"))).scalars().all()
    assert smoke_cost == ["smoke"]  # present, and left out of the table above


async def live_per_minute(engine: AsyncEngine, tenant_id: UUID) -> Decimal:
    """Live cost over billed minutes, summed here the long way: the seeded call and CA-parked's own lines."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(call_cost_lines).where(call_cost_lines.c.tenant_id == tenant_id))).all()
    live = [r for r in rows if r.purpose == "live"]
    minutes = sum((r.quantity for r in live if r.component == "telephony"), Decimal(0))
    assert minutes > 2 and any(r.purpose == "smoke" for r in rows)
    return sum((r.amount_usd for r in live), Decimal(0)) / minutes

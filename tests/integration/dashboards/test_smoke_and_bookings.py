"""Onboarding's smoke calls are in no figure of the tenant or the platform, yet readable as calls; the tenant's
calendar bookings are listed with their call and delivery."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.delivery import DeliveryActivities
from activities.delivery_send import Sender
from activities.notify import channels_for
from domain.events import NewEvent
from domain.integrations import call_facts, call_triggers, plan
from domain.integrations.messages import Attempt, RecordDelivery
from domain.integrations.retry import RetrySchedule
from domain.objectives.integrations import Calendar
from infra.db.read_models import bookings, calls, operations, rollups
from infra.settings import Settings
from tests.helpers.dashboards import append_call, event, tenant_with_key
from tests.integration.dashboards.test_ui_http import sign_in

pytestmark = pytest.mark.integration
MIGRATION = Path(__file__).parents[3] / "infra/db/migrations/versions/0015_calls_smoke.py"


def answered_call(sid: str, tenant: UUID, at: datetime, *, smoke: bool, v2v: int = 700) -> list[NewEvent]:
    """A call that captured a name and a visit time, on version 1 (`smoke`: placed by onboarding's smoke stage)."""
    started: dict[str, Any] = {"call_sid": sid, "tenant_id": str(tenant), "caller": "+61400111222",
                               "called": "+61291110000", "config_version": 1, "business_open": True}
    if smoke:
        started["smoke"] = True
    s = timedelta(seconds=1)
    return [event("call.started", at, **started),
            event("agent.utterance.started", at + s, utterance_id=1, text="Hi", voice_to_voice_ms=None),
            event("objective.started", at + 2 * s, objective="name", type="capture_name"),
            event("turn.ended", at + 3 * s, text="Sam Lee", dtmf="", reason="silence"),
            event("agent.utterance.started", at + 4 * s, utterance_id=2, text="Sam Lee?", voice_to_voice_ms=v2v),
            event("barge_in", at + 4 * s, reaction_ms=120),
            event("objective.outcome", at + 5 * s, objective="name", kind="confirmed", value="Sam Lee"),
            event("objective.started", at + 6 * s, objective="visit", type="capture_datetime"),
            event("capture.confirmed", at + 7 * s, kind="date_time", value="2026-11-26T15:00:00+11:00"),
            event("objective.outcome", at + 7 * s, objective="visit", kind="confirmed",
                  value="2026-11-26T15:00:00+11:00"),
            event("dialogue.ended", at + 8 * s, reason="completed",
                  captured={"name": "Sam Lee", "visit": "2026-11-26T15:00:00+11:00"}),
            event("call.ended", at + 9 * s, reason="dialogue_complete", duration_ms=9000)]


async def test_smoke_calls_count_in_no_figure_and_stay_readable(engine: AsyncEngine) -> None:
    now = datetime.now(UTC)
    tenant, _ = await tenant_with_key(engine, "Harbour Plumbing", now, "+61291110000")
    for when, tag in ((now - timedelta(days=2), "old"), (now - timedelta(hours=1), "new")):  # rolled up; live
        await append_call(engine, f"CA-live-{tag}", tenant, answered_call(f"CA-live-{tag}", tenant, when, smoke=False))
        await append_call(engine, f"CA-smoke-{tag}", tenant,
                          answered_call(f"CA-smoke-{tag}", tenant, when, smoke=True, v2v=9000))
    live = {"CA-live-old", "CA-live-new"}
    since, first = now - timedelta(days=7), (now - timedelta(days=7)).date()
    async with engine.begin() as conn:
        days = await calls.daily_counts(conn, since, "Australia/Sydney", tenant)
        assert sum(d.answered for d in days) == 2 and sum(d.leads for d in days) == 2
        assert not any(d.missed or d.in_progress for d in days)
        assert {c.call_sid for c in await calls.recent_calls(conn, tenant)} == live
        assert {c.call_sid for c in await calls.recent_calls(conn, None)} == live
        assert {c.call_sid for c in await calls.leads(conn, tenant)} == live
        (latency,) = {p.samples for p in await calls.latency_daily(conn, "voice_to_voice", since, tenant)}
        assert latency == 1 and await calls.tenant_p95(conn, now - timedelta(days=1)) == {tenant: 700.0}
        rates = {r.objective: (r.pursued, r.completed) for r in await calls.objective_completion(conn, since)}
        assert rates == {"name": (2, 2), "visit": (2, 2)}
        (use,) = await calls.calls_by_config_version(conn, tenant)
        assert (use.config_version, use.calls) == (1, 2)
        assert set((await operations.calls_per_version(conn, tenant, [use]))[1]) == live

        live_from = await rollups.refresh(conn, first, now)  # the closed day is rolled up without the smoke call
        assert live_from > (now - timedelta(days=2)).date()
        rolled = await rollups.daily_counts(conn, first, live_from)
        assert sum(d.answered for d in rolled) == 2
        assert sum(p.samples for p in await rollups.latency_daily(conn, "voice_to_voice", first, live_from)) == 2
        assert sum(p.samples for p in await rollups.latency_daily(conn, "barge_in", first, live_from)) == 2
        objectives = await rollups.objective_completion(conn, first, live_from)
        assert {(r.objective, r.pursued) for r in objectives} == {("name", 2), ("visit", 2)}
        (health,) = await rollups.tenant_health(conn, first, live_from, now)
        assert (health.calls, health.answered, health.p95_v2v_ms) == (2, 2, 700.0)

        assert {c.call_sid for c in await calls.smoke_calls(conn, tenant)} == {"CA-smoke-old", "CA-smoke-new"}
        smoke_row = await calls.call_row(conn, "CA-smoke-new")  # its own page still finds it
        assert smoke_row is not None and smoke_row.smoke and smoke_row.status == "answered"


async def test_the_upgrade_flags_calls_recorded_before_it(engine: AsyncEngine) -> None:
    """0015's backfill: smoke calls already in the model are flagged from their `call.started`, rollups redone."""
    now = datetime.now(UTC)
    tenant, _ = await tenant_with_key(engine, "Bright Spark", now, "+61291110001")
    for sid, smoke in (("CA-a", False), ("CA-b", True)):
        await append_call(engine, sid, tenant, answered_call(sid, tenant, now - timedelta(days=3), smoke=smoke))
    async with engine.begin() as conn:
        await rollups.refresh(conn, (now - timedelta(days=3)).date(), now)
        await conn.execute(text("UPDATE call_summaries SET smoke = false"))
        await conn.execute(text("UPDATE call_objectives SET smoke = false"))
    spec = importlib.util.spec_from_file_location("revos_0015", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    async with engine.begin() as conn:
        for statement in module.BACKFILL:
            await conn.execute(text(statement))
        flags = {r.call_sid: r.smoke for r in await conn.execute(text("SELECT call_sid, smoke FROM call_summaries"))}
        objective_flags = {(r.call_sid, r.smoke) for r in await conn.execute(text(
            "SELECT call_sid, smoke FROM call_objectives"))}
        rolled = (await conn.execute(text("SELECT count(*) FROM call_rollup_days"))).scalar_one()
    assert flags == {"CA-a": False, "CA-b": True} and rolled == 0
    assert objective_flags == {("CA-a", False), ("CA-b", True)}


async def test_a_booking_is_listed_with_its_call_and_delivery(api: httpx.AsyncClient, engine: AsyncEngine,
                                                              settings: Settings) -> None:
    """The calendar delivery of a call's appointment request, sent and recorded as the delivery workflow does."""
    now = datetime.now(UTC)
    tenant, key = await tenant_with_key(engine, "Harbour Plumbing", now, "+61291110000")
    other, _ = await tenant_with_key(engine, "Northside Clinic", now, "+61291110002")
    for sid, owner in (("CA-book", tenant), ("CA-theirs", other)):
        events = answered_call(sid, owner, now - timedelta(minutes=5), smoke=False)
        await append_call(engine, sid, owner, events)
        facts = call_facts(sid, str(owner), events)
        (delivery,) = plan(facts, [Calendar(id="bookings", type="calendar", on=["appointment.requested"])],
                           call_triggers(events, None, facts), now, RetrySchedule(), timezone="Australia/Sydney")
        sent = await Sender(engine, channels_for(settings, engine), None, organizer="office@example.test",
                            slot_minutes=60).send(Attempt(delivery=delivery, attempt=1))
        assert sent.ok, sent.error
        recorder = DeliveryActivities(engine, cast(Any, None), cast(Any, None), cast(Any, None),
                                      schedule=RetrySchedule(), task_queue="unused", attempt_timeout=30)
        await recorder.record(RecordDelivery(delivery=delivery, type="delivery.delivered", status="delivered", seq=1,
                                             attempts=1, at=now))
    async with engine.connect() as conn:
        (booking,) = await bookings.bookings(conn, tenant, now - timedelta(days=30))
        assert await bookings.bookings(conn, tenant, now + timedelta(minutes=1)) == []
    assert booking.call_sid == "CA-book" and booking.caller == "+61400111222"
    assert booking.starts_at == datetime(2026, 11, 26, 4, 0, tzinfo=UTC) and booking.summary.endswith("Sam Lee")
    assert (booking.status, booking.delivery_status, booking.delivery_attempts) == ("booked", "delivered", 1)
    await sign_in(api, key)
    page = await api.get(f"/ui/tenants/{tenant}")
    assert page.status_code == 200
    panel = page.text.split('data-test="bookings"', 1)[1].split("</section>", 1)[0]
    assert f'data-booking="{booking.id}"' in panel and "26 Nov 15:00\u201316:00" in panel  # Sydney time
    assert "Sam Lee" in panel and 'href="/ui/calls/CA-book"' in panel and "badge-delivered" in panel
    assert "CA-theirs" not in panel

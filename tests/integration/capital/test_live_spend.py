"""Spend reaches the governor as it is ingested: dialer talk time is labor within seconds, so the 80/90%
alerts and the stop-loss fire without waiting for the next day's rollup; alerts are delivered to the
admins; the weekly summary is e-mailed (text, HTML, CSV) when it is made."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.costs import day_window, local_day
from domain.capital.lifecycle import Caps
from domain.capital.messages import ExperimentInput, SpendUpdate, WeeklyInput
from domain.capital.models import ExperimentStatus
from domain.capital.weekly import week_of
from infra.temporal import queues
from tests.helpers.capital import World, make_world
from tests.helpers.polling import until
from tests.helpers.smtp_sink import smtp_sink
from workers.capital import capital_bundle
from workflows.experiment import ExperimentWorkflow
from workflows.weekly_summary import WeeklySummaryWorkflow

pytestmark = pytest.mark.integration


def early_morning_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now about 1 am: most of the tenant's day is still ahead."""
    offset = next(o for o in range(-12, 15) if (now.hour + o) % 24 == 1)
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def _experiment(world: World) -> tuple[str, float, datetime]:
    exp = await world.experiment(capital_cap_usd="100", tranche_size_usd="25")
    start = datetime.fromisoformat((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    zone = (await world.api.get(f"/v1/tenants/{world.tenant_id}", headers=world.h())).json()["timezone"]
    window = day_window(local_day(start, zone), zone)
    return exp, (window.end - start).total_seconds() / window.seconds, start  # its share of today's labor


async def _talk(world: World, lead: str, start: datetime, seconds: int) -> None:
    calls = []
    while seconds > 0:
        calls.append({"lead_id": lead, "login_id": world.login_id, "started_at": start.isoformat(),
                      "duration_s": min(seconds, 3600), "outcome": "Callback",
                      "twilio_call_sid": f"CA{uuid.uuid4().hex}"})
        seconds -= 3600
    await world.post("/v1/dialer/calls", {"calls": calls}, role="service", expect=201)


async def test_dialer_labor_trips_alerts_and_stop_loss_within_seconds(api, keys, worker, engine: AsyncEngine) -> None:
    world = await make_world(api, keys, timezone=early_morning_zone(datetime.now(UTC)))
    async with worker(capital_bundle):
        exp, share, start = await _experiment(world)
        lead = await world.lead()

        async def read() -> dict[str, Any]:
            return dict((await api.get(f"/v1/experiments/{exp}", headers=world.h())).json())

        def kinds(body: dict[str, Any]) -> list[str]:
            return [a["kind"] for a in body["alerts"]]

        def talk_for(usd: int) -> int:
            return math.ceil(usd / (30 * share) * 3600)  # seconds of talk at the login's $30/h

        await _talk(world, lead, start, talk_for(85))  # $85 of the $100 cap, no rollup asked for
        body = await until(read, accept=lambda b: "capital_80" in kinds(b), timeout=30, every=0.2)
        assert kinds(body) == ["capital_80"] and body["status"] == "running"
        await _talk(world, lead, start, talk_for(16))
        body = await until(read, accept=lambda b: b["status"] == "paused", timeout=30, every=0.2)
    assert kinds(body) == ["capital_80", "capital_90", "stop_loss_capital"]
    assert body["pause_reason"] == "stop_loss" and Decimal(body["spend_usd"]) >= 100
    raised = datetime.fromisoformat(body["alerts"][-1]["raised_at"])
    assert raised - start < timedelta(minutes=2)  # within minutes of the spend, not the next day
    async with engine.connect() as conn:
        sent = (await conn.execute(text("SELECT recipient, subject FROM capital_deliveries WHERE kind = 'alert' "
                                        "ORDER BY created_at"))).all()
    assert [r[0] for r in sent] == ["admin@localhost"] * 3
    assert "stop-loss paused it" in sent[-1][1]


async def test_weekly_summary_is_emailed_with_html_and_csv(world: World, worker, settings, temporal_client,
                                                          engine: AsyncEngine) -> None:
    await world.experiment(name="Weekly one")
    week = week_of(datetime.now(UTC).date() - timedelta(days=7))
    async with smtp_sink() as (sink, port):
        settings.governance_smtp_host, settings.governance_smtp_port = "127.0.0.1", port
        settings.capital_admin_recipients = ["ops@example.com", "cfo@example.com"]
        async with worker(capital_bundle):
            for _ in range(2):  # a rerun of the week delivers nothing twice
                await temporal_client.execute_workflow(WeeklySummaryWorkflow.run, WeeklyInput(week=week),
                                                       id=f"weekly-{uuid.uuid4()}",
                                                       task_queue=settings.queue(queues.CAPITAL))
    mails = sink.parsed()
    assert sorted(m["To"] for m in mails) == ["cfo@example.com", "ops@example.com"]
    mail = mails[0]
    assert week in mail["Subject"]
    html = mail.get_body(("html",))
    assert html is not None and "<table" in html.get_content()
    (csv,) = list(mail.iter_attachments())
    assert csv.get_filename() == f"weekly-{week}.csv" and csv.get_content().startswith("experiment_id,")
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT channel, delivery_status, jsonb_array_length(attachments) FROM "
                                        "capital_deliveries WHERE kind = 'weekly_summary'"))).all()
    assert sorted(rows) == [("email", "sent", 1), ("email", "sent", 1)]


async def test_the_governor_counts_tenant_days_inside_the_workflow_sandbox(worker, temporal_client, settings) -> None:
    """Real days (not the tests' shrunk ones): the timer is computed with the tenant's zone, in the sandbox."""
    data = ExperimentInput(experiment_id=uuid.uuid4(), status=ExperimentStatus.RUNNING, day_seconds=86400,
                           timezone="Australia/Sydney", running_seconds=0.75 * 86400,
                           caps=Caps(capital_cap_usd=Decimal(10), time_cap_days=Decimal(1),
                                     tranche_size_usd=Decimal(1)))
    async with worker(capital_bundle):
        handle = await temporal_client.start_workflow(ExperimentWorkflow.run, data, id=f"exp-sandbox-{uuid.uuid4()}",
                                                      task_queue=settings.queue(queues.CAPITAL))
        state = await until(lambda: handle.query(ExperimentWorkflow.state), timeout=20, every=0.2)
        await handle.signal(ExperimentWorkflow.record_spend, SpendUpdate(spend_usd=Decimal(1),
                                                                         as_of=datetime.now(UTC)))
        state = await until(lambda: handle.query(ExperimentWorkflow.state),
                            accept=lambda s: s.governor.spend_usd == 1, timeout=20, every=0.2)
        await handle.terminate()
    assert state.governor.timezone == "Australia/Sydney" and state.status is ExperimentStatus.RUNNING

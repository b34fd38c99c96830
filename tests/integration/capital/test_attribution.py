"""Attribution at the edges: start instant (inclusive), stop instant (exclusive), pause, completion,
terminal leads, and no reassignment when the next experiment starts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpers.capital import World

pytestmark = pytest.mark.integration
US = timedelta(microseconds=1)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_edges_of_a_running_interval(world: World, capital_worker: None) -> None:
    exp = await world.experiment()
    lead = await world.lead()
    start = at((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])

    assert (await world.event(lead, "install_appointment_scheduled", start - US))["experiment_id"] is None
    assert (await world.event(lead, "install_appointment_scheduled", start))["experiment_id"] == exp
    assert (await world.call(lead, start))["attributed"] == 1
    assert (await world.call(lead, start - US))["attributed"] == 0

    stop = at((await world.post(f"/v1/experiments/{exp}/pause", expect=200))["run_stopped_at"])
    assert (await world.event(lead, "install_appointment_attended", stop - US))["experiment_id"] == exp
    assert (await world.event(lead, "install_appointment_attended", stop))["experiment_id"] is None
    assert (await world.call(lead, stop - US))["attributed"] == 1
    assert (await world.call(lead, stop))["attributed"] == 0


async def test_none_during_pause_or_after_completion(world: World, capital_worker: None) -> None:
    exp = await world.experiment()
    lead = await world.lead()
    await world.post(f"/v1/experiments/{exp}/start", expect=200)
    paused = at((await world.post(f"/v1/experiments/{exp}/pause", expect=200))["run_stopped_at"])
    assert (await world.call(lead, paused + timedelta(microseconds=50)))["attributed"] == 0
    resumed = at((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    assert (await world.call(lead, resumed))["attributed"] == 1
    done = await world.post(f"/v1/experiments/{exp}/complete", expect=200)
    assert done["status"] == "completed"
    assert (await world.event(lead, "calculator_installed", at(done["run_stopped_at"])))["experiment_id"] is None
    refused = await world.api.post(f"/v1/experiments/{exp}/start", headers=world.h())
    assert refused.status_code == 409 and refused.json()["code"] == "experiment_final"


async def test_terminal_lead_is_excluded(world: World, capital_worker: None) -> None:
    exp = await world.experiment()
    lead, other = await world.lead(), await world.lead()
    start = at((await world.post(f"/v1/experiments/{exp}/start", expect=200))["run_started_at"])
    paid_at = start + timedelta(microseconds=10)
    paid = await world.event(lead, "paid_conversion", paid_at)
    assert paid["experiment_id"] == exp  # the event that makes the lead terminal still counts
    assert (await world.api.get(f"/v1/leads/{lead}", headers=world.h())).json()["terminal_state"] == "paid_customer"
    assert (await world.call(lead, paid_at + US))["attributed"] == 0
    assert (await world.call(other, paid_at + US))["attributed"] == 1

    dnc = await world.post(f"/v1/leads/{other}/terminal", {"state": "do_not_contact"}, role="service", expect=200)
    assert (await world.call(other, at(dnc["terminal_at"]) + US))["attributed"] == 0
    again = await world.api.post(f"/v1/leads/{other}/terminal", json={"state": "paid_customer"},
                                 headers=world.h("service"))
    assert again.status_code == 409 and again.json()["code"] == "lead_terminal"


async def test_never_reassigned(world: World, capital_worker: None, engine: AsyncEngine) -> None:
    first, second = await world.experiment(), await world.experiment()
    lead = await world.lead()
    start = at((await world.post(f"/v1/experiments/{first}/start", expect=200))["run_started_at"])
    await world.call(lead, start)
    await world.post(f"/v1/experiments/{first}/complete", expect=200)
    await world.post(f"/v1/experiments/{second}/start", expect=200)
    async with engine.connect() as conn:
        owners = (await conn.execute(text("SELECT DISTINCT experiment_id::text FROM canonical_events"))).scalars().all()
    assert owners == [first]
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE canonical_events SET experiment_id = :e"), {"e": second})


async def test_missing_facts_are_refused_by_name(world: World) -> None:
    lead = await world.lead()
    response = await world.api.post("/v1/dialer/calls", json={"lead_id": lead, "duration_s": 20, "outcome": "Busy"},
                                    headers=world.h("service"))
    assert response.status_code == 422
    body = response.json()
    assert {"body.DialerCallIn.login_id", "body.DialerCallIn.started_at", "body.DialerCallIn.twilio_call_sid"} <= {
        e["path"] for e in body["errors"] if e["type"] == "missing"}
    bad_outcome = await world.api.post("/v1/dialer/calls", headers=world.h("service"), json={
        "lead_id": lead, "login_id": world.login_id, "started_at": "2026-01-01T00:00:00Z", "duration_s": 20,
        "outcome": "Voicemail", "twilio_call_sid": "CA1"})
    assert bad_outcome.status_code == 422
    naive = await world.api.post("/v1/performance-events", headers=world.h("service"), json={
        "external_id": "x", "lead_id": lead, "type": "paid_conversion", "occurred_at": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
    derived = await world.api.post("/v1/performance-events", headers=world.h("service"), json={
        "external_id": "y", "lead_id": lead, "type": "qpc", "occurred_at": "2026-01-01T00:00:00Z"})
    assert derived.status_code == 422 and derived.json()["code"] == "event_not_reportable"
    admin = await world.api.post("/v1/performance-events", headers=world.h("admin"), json={})
    assert admin.status_code == 403

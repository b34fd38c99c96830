"""What capital governance refuses to do, checked against the running API, plus roles and batch ingestion rules."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.capital.models import DialerOutcome
from domain.capital.weekly import COLUMNS
from tests.helpers.capital import World

pytestmark = pytest.mark.integration


def _with_referenced_schemas(spec: dict[str, Any], paths: dict[str, Any]) -> list[Any]:
    """The given paths plus every component schema they reference, transitively."""
    schemas, seen, todo, out = spec["components"]["schemas"], set(), [paths], [paths]
    while todo:
        for ref in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(todo.pop())):
            if ref not in seen:
                seen.add(ref)
                todo.append(schemas[ref])
                out.append(schemas[ref])
    return out


async def test_refused_features_are_absent_from_the_api_surface(world: World) -> None:
    spec = (await world.api.get("/openapi.json")).json()
    capital_paths = {p: m for p, m in spec["paths"].items() if p.startswith(
        ("/v1/products", "/v1/campaigns", "/v1/experiments", "/v1/leads", "/v1/team", "/v1/dialer",
         "/v1/performance-events", "/v1/bonuses", "/v1/costs", "/v1/reports"))}
    methods = {m for ops in capital_paths.values() for m in ops}
    assert methods <= {"get", "post"}  # no rewriting or deleting of anything (no PUT/PATCH/DELETE)
    assert [o.value for o in DialerOutcome] == ["No Answer", "Busy", "Wrong #", "Not Interested", "Callback", "Info",
                                                "Schedule"]  # dialer mechanics are fixed, no route changes them
    # Only the capital surface: other domains (the kernel contract) legitimately speak of CAC.
    text = json.dumps(_with_referenced_schemas(spec, capital_paths)).lower()
    for word in ("cac", "ltv", "forecast", "leaderboard", "rank", "autoscal", "websocket", "stream_dashboard"):
        assert f'"{word}' not in text and f"_{word}" not in text, word
    assert not [p for p in capital_paths if p.startswith("/v1/leads/{lead_id}/") and "terminal" not in p]
    assert not {"login_id", "person_name", "email", "lead_id"} & set(COLUMNS)  # no per-person or per-lead report


async def test_humans_decide(world: World, capital_worker: None) -> None:
    exp = await world.experiment()
    body = {"capital_cap_usd": "1", "time_cap_days": "1", "tranche_size_usd": "1", "verdict": "pass",
            "reason": "pitch", "recommended_next_action": "x"}
    for role in ("service", "operator", "founder"):
        refused = await world.api.post(f"/v1/experiments/{exp}/evaluations", json=body, headers=world.h(role))
        assert refused.status_code == 403, role  # only an admin records a verdict; no machine verdicts
        assert (await world.api.post(f"/v1/experiments/{exp}/start", headers=world.h(role))).status_code == 403
    await world.post(f"/v1/experiments/{exp}/evaluations", body, expect=201)
    listed = (await world.api.get(f"/v1/experiments?campaign_id={world.campaign_id}", headers=world.h())).json()
    assert [e["status"] for e in listed] == ["planned"]  # an evaluation triggers no automation
    await world.post(f"/v1/experiments/{exp}/start", expect=200)
    await world.post(f"/v1/experiments/{exp}/complete", expect=200)
    listed = (await world.api.get(f"/v1/experiments?campaign_id={world.campaign_id}", headers=world.h())).json()
    assert len(listed) == 1  # no automatic next iteration


async def test_batch_calls_all_or_nothing_and_idempotent(world: World) -> None:
    lead = await world.lead()
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()

    def call(sid: str, duration: int, outcome: str = "Info", lead_id: str = lead) -> dict[str, object]:
        return {"lead_id": lead_id, "login_id": world.login_id, "started_at": at, "duration_s": duration,
                "outcome": outcome, "twilio_call_sid": sid}

    bad = await world.api.post("/v1/dialer/calls", headers=world.h("service"), json={"calls": [
        call("CA1", 200), call("CA2", 5, lead_id=str(uuid.uuid4()))]})
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_lead"
    batch = {"calls": [call("CA1", 200), call("CA2", 5), call("CA3", 11, "Schedule"), call("CA4", 150, "Busy")]}
    first = await world.post("/v1/dialer/calls", batch, role="service", expect=201)
    assert first == {"submitted": 4, "inserted": 4, "duplicates": 0, "attributed": 0, "events": 3 + 1 + 2 + 2}
    again = await world.post("/v1/dialer/calls", batch, role="service", expect=201)
    assert again["inserted"] == 0 and again["duplicates"] == 4 and again["events"] == 0
    future = await world.api.post("/v1/dialer/calls", headers=world.h("service"), json={
        **call("CA9", 10), "started_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})
    assert future.status_code == 422 and future.json()["code"] == "started_in_future"


async def test_experiments_run_only_in_an_active_campaign(world: World, capital_worker: None) -> None:
    planned = await world.post("/v1/campaigns", {"product_id": world.product_id, "name": "Later",
                                                 "owner_user_id": "o", "start_date": "2026-12-01"}, expect=201)
    exp = await world.experiment(planned["id"])
    refused = await world.api.post(f"/v1/experiments/{exp}/start", headers=world.h())
    assert refused.status_code == 409 and refused.json()["code"] == "campaign_not_active"
    await world.post(f"/v1/campaigns/{planned['id']}/status", {"status": "active"}, expect=200)
    assert (await world.post(f"/v1/experiments/{exp}/start", expect=200))["status"] == "running"
    busy = await world.api.post(f"/v1/campaigns/{planned['id']}/status", json={"status": "completed"},
                                headers=world.h())
    assert busy.status_code == 409 and busy.json()["code"] == "experiment_running"
    invalid = await world.api.post(f"/v1/experiments/{exp}/override", headers=world.h(),
                                   json={"evaluation_id": str(uuid.uuid4()), "rationale": "x"})
    assert invalid.status_code == 409 and invalid.json()["code"] == "invalid_transition"

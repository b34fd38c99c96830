"""POST /v1/kernel/cycles over HTTP: every contract error code with its status, 200, roles, stored cycles."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.kernel.catalog import default_dictionary, default_executors
from infra.db.kernel_store import execute_cycle, load_catalog
from tests.helpers.kernel_facts import cycles, make_tenant, seed_facts
from tests.helpers.kernel_payloads import bend, payload

pytestmark = pytest.mark.integration


async def body_for(engine: AsyncEngine) -> dict[str, Any]:
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    return bend(payload(at=now), "tenant_id", str(tenant))


async def post(api: httpx.AsyncClient, keys: Any, body: Any, role: str = "service") -> httpx.Response:
    return await api.post("/v1/kernel/cycles", json=body, headers=keys.headers(role))


async def test_each_error_code_has_its_http_status(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    cases = [
        (bend(good, "targets", {}), 400, "INVALID_INPUT"),
        (bend(good, "tenant_id", str(uuid.uuid4())), 404, "TENANT_NOT_FOUND"),
        (bend(good, "config", {"min_sample_size": 10}), 422, "INSUFFICIENT_DATA"),
        (bend(good, "cfo_guardrails.margin_floor_pct", None), 400, "INVALID_INPUT"),
    ]
    for body, status, code in cases:
        response = await post(api, keys, body)
        assert response.status_code == status, response.text
        assert response.json()["error"] is True and response.json()["code"] == code
    first = await post(api, keys, good)
    assert first.status_code == 200, first.text
    again = await post(api, keys, good, role="founder")
    assert again.status_code == 429 and again.json()["code"] == "CYCLE_TOO_RECENT"
    bad_json = await api.post("/v1/kernel/cycles", content=b"{not json", headers=keys.headers("admin"))
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "INVALID_INPUT"


async def test_output_failing_validation_is_500_internal_error(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine
) -> None:
    good = await body_for(engine)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM metric_dictionary WHERE metric_id = 'pipeline_total'"))
    response = await post(api, keys, good)
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR" and "rule 2" in response.json()["message"]


async def test_output_is_stored_and_readable(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    response = await post(api, keys, good, role="admin")
    output = response.json()
    assert output["version"] == "revenue_os_v1.1" and 1 <= len(output["actions"]) <= 7
    stored = await api.get(f"/v1/kernel/cycles/{output['cycle_id']}", headers=keys.headers("founder"))
    assert stored.status_code == 200
    assert stored.json()["output"] == output and stored.json()["input"] == good
    missing = await api.get(f"/v1/kernel/cycles/{uuid.uuid4()}", headers=keys.headers("founder"))
    assert missing.status_code == 404
    rows = await cycles(engine, uuid.UUID(good["tenant_id"]))
    assert [r["status"] for r in rows] == ["completed"]


async def test_roles(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    assert (await post(api, keys, good, role="operator")).status_code == 403
    assert (await api.post("/v1/kernel/cycles", json=good)).status_code == 401
    assert (await api.post("/v1/metrics", json={"tenant_id": good["tenant_id"], "metrics": good["metrics"]},
                           headers=keys.headers("founder"))).status_code == 403


async def test_stored_cycles_are_append_only(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    await post(api, keys, good)
    await seed_facts(engine, uuid.UUID(good["tenant_id"]), datetime.now(UTC))
    for statement in ("UPDATE kernel_cycles SET status = 'error'", "DELETE FROM kernel_cycles",
                      "DELETE FROM metrics", "UPDATE revenue_events SET amount = 0", "TRUNCATE opportunities",
                      "UPDATE kernel_policies SET policy = '{}'"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))


async def test_ingestion_endpoints(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    tenant = good["tenant_id"]
    h = keys.headers("service")
    r = await api.post("/v1/metrics", json={"tenant_id": tenant, "metrics": good["metrics"]}, headers=h)
    assert r.status_code == 201 and r.json()["ingested"] == len(good["metrics"])
    r = await api.post("/v1/revenue-events", json={"tenant_id": tenant, "events": good["revenue_events"]}, headers=h)
    assert r.json() == {"ingested": 3, "skipped": 0}
    r = await api.post("/v1/revenue-events", json={"tenant_id": tenant, "events": good["revenue_events"]}, headers=h)
    assert r.json() == {"ingested": 0, "skipped": 3}
    r = await api.post("/v1/opportunities", json={"tenant_id": tenant, "opportunities": good["opportunities"]},
                       headers=keys.headers("admin"))
    assert r.status_code == 201 and r.json() == {"ingested": 2}
    r = await api.post("/v1/metrics", json={"tenant_id": str(uuid.uuid4()), "metrics": good["metrics"]}, headers=h)
    assert r.status_code == 404
    r = await api.post("/v1/metrics", json={"tenant_id": tenant, "metrics": [{"metric_id": "x"}]}, headers=h)
    assert r.status_code == 422


async def test_old_trigger_is_refused_and_stored_as_an_error(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine
) -> None:
    good = await body_for(engine)
    old = bend(good, "trigger.triggered_at", (datetime.now(UTC) - timedelta(hours=25)).isoformat())
    response = await post(api, keys, old)
    assert response.status_code == 400 and "trigger.triggered_at" in response.json()["message"]
    rows = await cycles(engine, uuid.UUID(good["tenant_id"]))
    assert [(r["status"], r["error_code"]) for r in rows] == [("error", "INVALID_INPUT")]
    assert (await post(api, keys, good)).status_code == 200, "a refused cycle does not count as the last cycle"


async def test_concurrent_triggers_cannot_both_pass_the_12_hour_rule(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine
) -> None:
    good = await body_for(engine)
    responses = await asyncio.gather(*(post(api, keys, good) for _ in range(6)))
    assert sorted(r.status_code for r in responses) == [200] + [429] * 5
    rows = await cycles(engine, uuid.UUID(good["tenant_id"]))
    assert sorted(r["status"] for r in rows) == ["completed"] + ["error"] * 5


async def test_migration_seeds_the_metric_dictionary_and_executor_map(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        dictionary, executors = await load_catalog(conn)
    assert dictionary == default_dictionary() and executors == default_executors()
    assert {"pipeline_total", "bookings_new", "cac_blended", "gross_margin_pct", "payback_months", "revenue_per_fte",
            "runway_months"} <= set(dictionary)
    assert set(executors) == {"campaigns", "crm", "pricing", "routing", "content"}


async def test_unstorable_input_is_a_4xx_never_a_500(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> None:
    good = await body_for(engine)
    tenant, h = good["tenant_id"], keys.headers("service")
    nan = json.dumps(good).replace('"value": 900.0', '"value": NaN', 1).encode()
    nul = json.dumps(bend(good, "trigger.source", "cron\x00daily")).encode()
    for raw in (nan, nul):
        response = await api.post("/v1/kernel/cycles", content=raw, headers=h)
        assert response.status_code == 400 and response.json()["code"] == "INVALID_INPUT", response.text
    point = {"metric_id": "pipeline_total", "value": 1e30, "date": "2026-11-01"}
    bad_bodies = [
        ("/v1/metrics", {"tenant_id": tenant, "metrics": [point]}),
        ("/v1/metrics", {"tenant_id": tenant, "metrics": [{**point, "value": 1, "metric_id": "a\x00b"}]}),
        ("/v1/revenue-events", {"tenant_id": tenant, "events": [{**good["revenue_events"][0], "amount": 1e17}]}),
        ("/v1/opportunities", {"tenant_id": tenant, "opportunities": [{**good["opportunities"][0], "amount": 1e20}]}),
        ("/v1/kernel/action-results", {"tenant_id": tenant, "results": [{
            "action_id": "x\x00", "target_metric": "m", "baseline_value": 1, "observed_value": 1, "delta": 0,
            "confidence": 1, "outcome": "failed"}]}),
    ]
    for path, body in bad_bodies:
        response = await api.post(path, json=body, headers=h)
        assert response.status_code == 422, (path, response.text)
    policy = {k: good[k] for k in ("targets", "guardrails", "cfo_guardrails")}
    policy["cfo_guardrails"]["max_cac_by_segment"] = {"s\x00": 10}
    response = await api.put(f"/v1/kernel/tenants/{tenant}/policy", json=policy, headers=keys.headers("admin"))
    assert response.status_code == 422


async def test_execute_cycle_is_idempotent_on_cycle_id(engine: AsyncEngine) -> None:
    good = await body_for(engine)
    cycle_id, now = uuid.uuid4(), datetime.now(UTC)
    async with engine.begin() as conn:
        first = await execute_cycle(conn, good, cycle_id=cycle_id, now=now)
    async with engine.begin() as conn:  # a retried activity whose first attempt committed
        again = await execute_cycle(conn, good, cycle_id=cycle_id, now=now + timedelta(minutes=1))
    assert first.status == again.status == "completed" and first.result == again.result
    assert len(await cycles(engine, uuid.UUID(good["tenant_id"]))) == 1

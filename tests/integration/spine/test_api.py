"""The spine API: tenants, stream reads, validation errors, health, readiness, metrics."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.state import TemporalProvider
from infra.settings import Settings

pytestmark = pytest.mark.integration


async def test_create_and_read_tenant_with_defaults(api: httpx.AsyncClient, keys) -> None:
    created = await api.post("/v1/tenants", json={"name": "Acme Plumbing"}, headers=keys.headers("admin"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["timezone"] == "Australia/Sydney" and body["locale"] == "en-AU"
    read = await api.get(f"/v1/tenants/{body['id']}", headers=keys.headers("founder"))
    assert read.json()["name"] == "Acme Plumbing"
    stream = await api.get(f"/v1/streams/tenant:{body['id']}/events", headers=keys.headers("service"))
    assert stream.status_code == 200
    assert [e["type"] for e in stream.json()["events"]] == ["tenant.created"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.name"),
        ({"name": ""}, "body.name"),
        ({"name": "x", "timezone": "Mars/Olympus"}, "body.timezone"),
        ({"name": "x", "locale": "english"}, "body.locale"),
        ({"name": "x", "surprise": 1}, "body.surprise"),
    ],
)
async def test_bad_tenant_input_is_422_with_field_path_and_writes_nothing(
    api: httpx.AsyncClient, keys, engine: AsyncEngine, body: dict[str, object], field: str
) -> None:
    response = await api.post("/v1/tenants", json=body, headers=keys.headers("operator"))
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert field in [e["path"] for e in payload["errors"]]
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("SELECT count(*) FROM tenants")).scalar_one() == 0


async def test_malformed_json_and_unknown_ids_are_clean_4xx(api: httpx.AsyncClient, keys) -> None:
    ops = keys.headers("operator")
    broken = await api.post("/v1/tenants", content=b"{not json", headers={**ops, "content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["code"] == "validation_error"
    assert (await api.get("/v1/tenants/not-a-uuid", headers=ops)).status_code == 422
    missing = await api.get("/v1/tenants/00000000-0000-0000-0000-000000000000", headers=ops)
    assert missing.status_code == 404 and missing.json()["code"] == "tenant_not_found"
    assert (await api.get("/v1/streams/nothing:here/events", headers=ops)).json()["code"] == "stream_not_found"
    assert (await api.get("/nowhere")).json()["code"] == "not_found"


async def test_health_ready_and_metrics(api: httpx.AsyncClient, keys) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"postgres": "up", "temporal": "up"}
    await api.get("/v1/tenants/00000000-0000-0000-0000-000000000000", headers=keys.headers("admin"))
    text = (await api.get("/metrics")).text
    assert 'revos_http_requests_total{method="GET",route="/v1/tenants/{tenant_id}",status="404"} 1.0' in text
    assert "revos_http_request_duration_seconds_bucket" in text


async def test_readyz_names_temporal_when_it_is_down(settings: Settings, engine: AsyncEngine) -> None:
    app = create_app(settings, engine=engine, temporal=TemporalProvider("127.0.0.1:1", "default"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"postgres": "up", "temporal": "down"}
    assert "temporal" in response.json()["message"]


async def test_docs_are_served_without_a_cdn(api: httpx.AsyncClient) -> None:
    page = await api.get("/docs")
    assert page.status_code == 200
    assert "/static/docs/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    script = await api.get("/static/docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert (await api.get("/static/docs/swagger-ui.css")).status_code == 200
    redoc = await api.get("/redoc")
    assert "/static/docs/redoc.standalone.js" in redoc.text and "fonts.googleapis" not in redoc.text

"""Browser-call tokens from the API: operators for test calls, a tenant's public widget for its website, and the
dashboards' test-call page (CSRF, its CSP, the live transcript read from the call's events)."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import NewEvent
from domain.voice.call_tokens import verify_webrtc
from infra.settings import Settings
from tests.helpers.dashboards import append_call, tenant_with_key
from tests.helpers.webrtc import LOOPBACK, SECRET

pytestmark = pytest.mark.integration
SITE = "https://plumbing.example"


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", webrtc_public_url="https://voice.example",
                    **LOOPBACK)


async def a_tenant(engine: AsyncEngine) -> UUID:
    tenant, _ = await tenant_with_key(engine, "Harbour Plumbing", datetime.now(UTC), "+61291110000")
    return tenant


async def test_an_operator_gets_a_one_minute_token_for_a_new_call(api: httpx.AsyncClient, keys, engine) -> None:
    tenant = await a_tenant(engine)
    response = await api.post(f"/v1/tenants/{tenant}/webrtc-token", headers=keys.headers("operator"))
    assert response.status_code == 201, response.text
    grant = response.json()
    assert grant["offer_url"] == "https://voice.example/webrtc/offer" and grant["call_sid"].startswith("WR")
    claims = verify_webrtc(grant["token"], SECRET.encode(), now=time.time())
    assert claims.tenant_id == str(tenant) and claims.call_sid == grant["call_sid"]
    assert claims.issued_to.startswith("operator:") and claims.config_version is None
    assert 50 < claims.expires_at - time.time() <= 60
    other = await api.post(f"/v1/tenants/{tenant}/webrtc-token", headers=keys.headers("operator"))
    assert other.json()["call_sid"] != grant["call_sid"]
    missing = await api.post(f"/v1/tenants/{uuid.uuid4()}/webrtc-token", headers=keys.headers("admin"))
    assert missing.status_code == 404 and missing.json()["code"] == "tenant_not_found"


async def test_a_widget_issues_tokens_for_its_tenant_only_from_its_sites(api: httpx.AsyncClient, keys,
                                                                          engine) -> None:
    tenant = await a_tenant(engine)
    ops = keys.headers("operator")
    refused = await api.post(f"/v1/tenants/{tenant}/widgets", headers=ops, json={"allowed_origins": ["x.example"]})
    assert refused.status_code == 422
    made = await api.post(f"/v1/tenants/{tenant}/widgets", headers=ops,
                          json={"label": "Website", "allowed_origins": [SITE + "/"]})
    assert made.status_code == 201, made.text
    widget = made.json()
    assert widget["allowed_origins"] == [SITE] and f'data-widget="{widget["widget_id"]}"' in widget["embed"]
    url = f"/widget/{widget['widget_id']}/webrtc-token"
    ok = await api.post(url, headers={"Origin": SITE})
    assert ok.status_code == 201 and ok.headers["access-control-allow-origin"] == SITE
    claims = verify_webrtc(ok.json()["token"], SECRET.encode(), now=time.time())
    assert claims.tenant_id == str(tenant) and claims.issued_to == f"widget:{widget['widget_id']}"
    assert (await api.post(url, headers={"Origin": "https://elsewhere.example"})).status_code == 403
    assert (await api.post(url)).status_code == 403  # no origin: not a page of a listed site
    assert (await api.post(url, headers={"Origin": "http://test"})).status_code == 201  # its own page here
    assert (await api.post("/widget/wgt_nosuchwidgetxxxxxxxx/webrtc-token")).status_code == 404
    listed = (await api.get(f"/v1/tenants/{tenant}/widgets", headers=ops)).json()["widgets"]
    assert [w["widget_id"] for w in listed] == [widget["widget_id"]]
    assert (await api.delete(f"/v1/tenants/{tenant}/widgets/{widget['widget_id']}", headers=ops)).status_code == 204
    assert (await api.post(url, headers={"Origin": SITE})).status_code == 404
    assert (await api.delete(f"/v1/tenants/{tenant}/widgets/{widget['widget_id']}", headers=ops)).status_code == 404
    page = await api.get(f"/widget/{widget['widget_id']}")
    assert page.status_code == 404


async def test_a_widget_is_limited_per_minute_and_serves_its_script_and_page(api: httpx.AsyncClient, keys,
                                                                             engine) -> None:
    tenant = await a_tenant(engine)
    widget = (await api.post(f"/v1/tenants/{tenant}/widgets", headers=keys.headers("operator"), json={})).json()
    url = f"/widget/{widget['widget_id']}/webrtc-token"
    statuses = [(await api.post(url, headers={"Origin": "https://any.example"})).status_code for _ in range(31)]
    assert statuses[:30] == [201] * 30 and statuses[30] == 429
    script = await api.get("/widget/talk.js")
    assert script.status_code == 200 and "class RevosCall" in script.text and "data-widget" in script.text
    page = await api.get(f"/widget/{widget['widget_id']}")
    assert page.status_code == 200 and "Talk to Harbour Plumbing" in page.text
    assert "connect-src 'self' https://voice.example" in page.headers["content-security-policy"]
    types = [e["type"] for e in (await api.get(f"/v1/streams/tenant:{tenant}/events",
                                            headers=keys.headers("admin"))).json()["events"]]
    assert "widget.created" in types


async def sign_in(api: httpx.AsyncClient, key: str) -> None:
    api.cookies.clear()
    form = await api.get("/ui/login?next=/ui")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    await api.post("/ui/login", data={"api_key": key, "csrf": csrf.group(1), "next": "/ui"})


async def test_the_test_call_page_needs_its_csrf_and_reads_the_call_live(api: httpx.AsyncClient, keys,
                                                                        engine: AsyncEngine) -> None:
    tenant = await a_tenant(engine)
    await sign_in(api, keys["operator"])
    operator = await api.get("/ui/operator")
    assert f'href="/ui/tenants/{tenant}/test-call"' in operator.text
    page = await api.get(f"/ui/tenants/{tenant}/test-call")
    assert page.status_code == 200 and 'id="call-start"' in page.text
    assert "connect-src 'self' https://voice.example" in page.headers["content-security-policy"]
    csrf = re.search(r'data-csrf="([^"]+)"', page.text)
    assert csrf
    assert (await api.post(f"/ui/tenants/{tenant}/test-call", data={})).status_code == 403
    grant = await api.post(f"/ui/tenants/{tenant}/test-call", data={"csrf": csrf.group(1)})
    assert grant.status_code == 201 and grant.json()["tenant_id"] == str(tenant)
    sid = grant.json()["call_sid"]
    assert (await api.get(f"/ui/calls/{sid}/live")).json()["lines"] == []
    now = datetime.now(UTC)
    await append_call(engine, sid, tenant, [
        NewEvent(type="call.started", payload={"call_sid": sid, "tenant_id": str(tenant), "caller": "operator:x",
                                               "called": "", "transport": "webrtc"}, occurred_at=now),
        NewEvent(type="turn.ended", payload={"text": "it's Mary Brown", "dtmf": ""}, occurred_at=now),
        NewEvent(type="capture.confirmed", payload={"kind": "name", "value": "Mary Brown"}, occurred_at=now)])
    live = (await api.get(f"/ui/calls/{sid}/live")).json()
    assert live["captured"] == {"name": "Mary Brown"} and live["ended"] is None
    assert [line["speaker"] for line in live["lines"]] == ["system", "caller"]


async def test_a_customer_gets_no_test_call(api: httpx.AsyncClient, engine: AsyncEngine) -> None:
    tenant, key = await tenant_with_key(engine, "Own Plumbing", datetime.now(UTC), "+61291110009")
    await sign_in(api, key)
    assert (await api.get(f"/ui/tenants/{tenant}/test-call")).status_code == 403
    assert 'test-call"' not in (await api.get(f"/ui/tenants/{tenant}")).text

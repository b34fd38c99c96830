"""The dashboards over HTTP: sign-in, role-shaped pages, tenant scoping, CSRF, sign-out (no browser needed)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import REFUSALS_STREAM
from infra.db.event_store import EventStore
from tests.helpers.dashboards import seed_calls, tenant_with_key

pytestmark = pytest.mark.integration


async def sign_in(api: httpx.AsyncClient, key: str, next_path: str = "/ui") -> httpx.Response:
    api.cookies.clear()
    form = await api.get(f"/ui/login?next={next_path}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert form.status_code == 200 and csrf, form.text
    return await api.post("/ui/login", data={"api_key": key, "csrf": csrf.group(1), "next": next_path})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def test_sign_in_sets_a_strict_httponly_session_and_sign_out_ends_it(api: httpx.AsyncClient, keys) -> None:
    assert (await api.get("/ui/operator")).headers["location"].startswith("/ui/login?next=/ui/operator")
    bad = await sign_in(api, "rk_not-a-key")
    assert bad.status_code == 401 and "unknown or revoked API key" in bad.text
    ok = await sign_in(api, keys["operator"], "/ui/operator")
    assert ok.status_code == 303 and ok.headers["location"] == "/ui/operator"
    cookie = next(h for h in ok.headers.get_list("set-cookie") if h.startswith("revos_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    page = await api.get("/ui/operator")
    assert page.status_code == 200 and "Platform" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert (await api.post("/ui/logout", data={})).status_code == 403  # no CSRF token: refused
    out = await api.post("/ui/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert (await api.get("/ui/operator")).status_code == 303


async def test_a_tampered_or_foreign_cookie_is_no_session(api: httpx.AsyncClient, keys) -> None:
    await sign_in(api, keys["founder"])
    value = api.cookies.get("revos_session", path="/ui")
    assert value
    api.cookies.clear()
    api.cookies.set("revos_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/ui")
    assert (await api.get("/ui/founder")).status_code == 303


@pytest.mark.parametrize(("role", "allowed", "refused"), [
    ("founder", ["/ui/founder", "/ui/admin", "/ui/admin/weekly", "/ui/admin/kernel"], ["/ui/operator"]),
    ("admin", ["/ui/founder", "/ui/admin", "/ui/admin/kernel", "/ui/operator"], []),
    ("operator", ["/ui/founder", "/ui/operator"], ["/ui/admin", "/ui/admin/kernel", "/ui/admin/weekly"]),
])
async def test_pages_follow_the_api_roles(api: httpx.AsyncClient, keys, role, allowed, refused) -> None:
    await sign_in(api, keys[role])
    home = await api.get("/ui", follow_redirects=True)
    assert home.status_code == 200
    for path in allowed:
        response = await api.get(path)
        assert response.status_code == 200, (role, path, response.text[:500])
        assert f'href="{path}"' in response.text  # in the frame's navigation
    for path in refused:
        response = await api.get(path)
        assert response.status_code == 403, (role, path)
        assert f'href="{path}"' not in response.text


async def test_a_customer_sees_its_tenant_only(api: httpx.AsyncClient, engine: AsyncEngine, keys) -> None:
    now = datetime.now(UTC)
    mine, key = await tenant_with_key(engine, "Harbour Plumbing", now, "+61291110000")
    other, _ = await tenant_with_key(engine, "Northside Clinic", now, "+61291110001")
    my_calls = await seed_calls(engine, mine, [now - timedelta(hours=h) for h in range(1, 6)])
    their_calls = await seed_calls(engine, other, [now - timedelta(hours=2)], seed=9)
    (smoke_call,) = await seed_calls(engine, mine, [now - timedelta(minutes=30)], seed=3, smoke=True)
    login = await sign_in(api, key)
    home = await api.get(login.headers["location"], follow_redirects=True)
    assert home.status_code == 200 and "Harbour Plumbing" in home.text and "Northside" not in home.text
    assert home.text.count('href="/ui/calls/') >= len(my_calls) and smoke_call not in home.text  # onboarding's
    smoke_page = await api.get(f"/ui/calls/{smoke_call}")
    assert smoke_page.status_code == 200 and 'data-test="smoke-call"' in smoke_page.text
    assert "Line offline" in home.text  # no voice worker answers in this test
    assert "Calls per configuration version" not in home.text and "/workflows/" not in home.text
    call = await api.get(f"/ui/calls/{my_calls[0]}")
    assert call.status_code == 200 and "Transcript" in call.text and "Event timeline" not in call.text
    for path in (f"/ui/tenants/{other}", f"/ui/calls/{their_calls[0]}"):
        refused = await api.get(path)
        assert refused.status_code == 403 and "scoped to another tenant" in refused.text, path
    for path in ("/ui/operator", "/ui/founder", "/ui/admin"):
        assert (await api.get(path)).status_code == 403
    posted = await api.post("/ui/founder/contracts/00000000-0000-0000-0000-000000000000/approve",
                            data={"csrf": csrf_of(home.text)})
    assert posted.status_code == 403 and "may not" in posted.text
    refusals = await EventStore(engine).read(REFUSALS_STREAM)
    assert {e.payload["code"] for e in refusals} >= {"forbidden", "forbidden_tenant"}


async def test_operator_pages_show_the_platform(api: httpx.AsyncClient, engine: AsyncEngine, keys) -> None:
    now = datetime.now(UTC)
    tenant, _ = await tenant_with_key(engine, "Bright Spark", now, "+61291110002")
    sids = await seed_calls(engine, tenant, [now - timedelta(hours=h) for h in range(1, 30, 3)])
    await sign_in(api, keys["operator"])
    page = await api.get("/ui/operator")
    assert page.status_code == 200
    for text in ("Voice-to-voice latency", "Barge-in reaction", "Bright Spark", "capture_name", "<polyline"):
        assert text in page.text, text
    call = await api.get(f"/ui/calls/{sids[0]}")
    assert call.status_code == 200 and "Event timeline" in call.text and "call.started" in call.text
    assert f"/workflows/call-{sids[0]}" in call.text  # linked to the Temporal UI
    tenant_page = await api.get(f"/ui/tenants/{tenant}")
    assert f'href="/ui/tenants/{tenant}/configs"' in tenant_page.text
    configs = await api.get(f"/ui/tenants/{tenant}/configs")
    assert configs.status_code == 200 and "No configuration uploaded yet" in configs.text
    assert "built-in default" in configs.text  # the calls per version, beside the (empty) history
    assert "built-in default" in tenant_page.text  # the synthetic calls ran on no stored version


async def test_the_founder_clarifies_and_modifies_scope_through_the_forms(api: httpx.AsyncClient, keys,
                                                                          worker, engine: AsyncEngine) -> None:
    from tests.helpers.governance import change_payload, contract, drafted, file_issue, kernel_tenant, register
    from workers.governance_worker import governance_bundle
    from workers.spine import spine_bundle

    async with worker(spine_bundle, governance_bundle):
        await register(api, keys)
        tenant = await kernel_tenant(engine, facts=False)
        filed = await file_issue(api, keys, change_payload(tenant, 1400), external_id="crm-ui")
        first = await drafted(api, keys, filed["id"])
        await sign_in(api, keys["founder"])
        page = await api.get("/ui/founder")
        assert first in page.text and "Approve" in page.text
        token = csrf_of(page.text)
        asked = await api.post(f"/ui/founder/contracts/{first}/clarify", data={"csrf": token, "question": "why?"})
        assert asked.status_code == 303 and "DRAFT" in asked.headers["location"]
        bad = await api.post(f"/ui/founder/contracts/{first}/modify-scope",
                             data={"csrf": token, "proposed_changes": "{not json"})
        assert bad.status_code == 422 and "not valid JSON" in bad.text
        scope = json.dumps({"changes": [{"capability": "kernel.policy", "target": tenant, "key": "targets.cac_max",
                                         "value": 1300}]})
        moved = await api.post(f"/ui/founder/contracts/{first}/modify-scope",
                               data={"csrf": token, "proposed_changes": scope, "note": "smaller step"})
        assert moved.status_code == 303
        second = moved.headers["location"].split("/")[-1].split("?")[0]
        assert second != first and (await contract(api, keys, first))["status"] == "SUPERSEDED"
        new = await contract(api, keys, second)
        assert new["status"] == "DRAFT" and new["version"] == 2
        assert new["proposed_changes"]["changes"][0]["value"] == 1300
        assert any(e["type"] == "contract.clarification_requested" or "clarif" in e["type"] for e in new["timeline"])

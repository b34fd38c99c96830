"""Every /v1 route refuses a missing or wrong key (401) and a wrong role (403), and records it.

The routes are discovered from the app, so routes added later are covered without editing this test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import REFUSALS_STREAM
from api.routers import ROUTERS
from domain.auth import Role
from infra.db.event_store import EventStore
from infra.db.principals import create_principal

pytestmark = pytest.mark.integration


def _allowed_roles(route: APIRoute) -> frozenset[Role] | None:
    def walk(dependant) -> Iterator[frozenset[Role]]:  # type: ignore[no-untyped-def]
        roles = getattr(dependant.call, "allowed_roles", None)
        if roles is not None:
            yield roles
        for sub in dependant.dependencies:
            yield from walk(sub)

    found = list(walk(route.dependant))
    return frozenset.intersection(*found) if found else None


def _v1_routes() -> list[tuple[str, str, frozenset[Role] | None]]:
    out = []
    for router in ROUTERS:
        for route in router.routes:
            if not (isinstance(route, APIRoute) and route.path.startswith("/v1")):
                continue
            for method in sorted(route.methods or ()):
                out.append((method, route.path, _allowed_roles(route)))
    return out


def _concrete(path: str) -> str:
    parts = []
    for part in path.split("/"):
        parts.append(str(uuid.uuid4()) if part.startswith("{") else part)
    return "/".join(parts)


ROUTES = _v1_routes()


def test_every_v1_route_declares_its_roles() -> None:
    assert ROUTES, "no /v1 routes found"
    missing = [f"{m} {p}" for m, p, roles in ROUTES if roles is None]
    assert not missing, f"routes without a role check: {missing}"


@pytest.mark.parametrize(("method", "path", "roles"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
async def test_route_refuses_without_the_right_key(
    api: httpx.AsyncClient, engine: AsyncEngine, method: str, path: str, roles: frozenset[Role]
) -> None:
    url = _concrete(path)
    for headers in ({}, {"Authorization": "Bearer rk_not-a-real-key"}, {"Authorization": "Basic abc"}):
        response = await api.request(method, url, headers=headers, json={})
        assert response.status_code == 401, (method, url, headers, response.text)
        assert response.json()["code"] in {"missing_api_key", "invalid_api_key"}
    refused = [r for r in Role if r not in roles]
    async with engine.begin() as conn:
        tenant = uuid.uuid4()
        await conn.exec_driver_sql(
            "INSERT INTO tenants (id, name, timezone, locale) VALUES ($1, 'T', 'Australia/Sydney', 'en-AU')",
            (tenant,),
        )
        keys = {}
        for role in refused:
            _, keys[role] = await create_principal(
                conn, name=role.value, role=role, tenant_id=tenant if role is Role.CUSTOMER else None
            )
    for role in refused:
        response = await api.request(method, url, headers={"Authorization": f"Bearer {keys[role]}"}, json={})
        assert response.status_code == 403, (method, url, role, response.text)
        assert response.json()["code"].startswith("forbidden")
    refusals = await EventStore(engine).read(REFUSALS_STREAM)
    assert len(refusals) == 3 + len(refused)
    assert {e.payload["path"] for e in refusals} == {url}


async def test_customer_sees_only_its_tenant(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> None:
    ops = keys.headers("operator")
    mine = (await api.post("/v1/tenants", json={"name": "Mine"}, headers=ops)).json()["id"]
    other = (await api.post("/v1/tenants", json={"name": "Other"}, headers=ops)).json()["id"]
    async with engine.begin() as conn:
        _, key = await create_principal(conn, name="c", role=Role.CUSTOMER, tenant_id=uuid.UUID(mine))
    customer = {"Authorization": f"Bearer {key}"}
    assert (await api.get(f"/v1/tenants/{mine}", headers=customer)).status_code == 200
    assert (await api.get(f"/v1/tenants/{other}", headers=customer)).status_code == 403
    assert (await api.get(f"/v1/streams/tenant:{mine}/events", headers=customer)).status_code == 200
    denied = await api.get(f"/v1/streams/tenant:{other}/events", headers=customer)
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden_tenant"
    assert (await api.get("/v1/streams/security:refusals/events", headers=customer)).status_code == 403

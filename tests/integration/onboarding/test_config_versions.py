"""Configuration versions over the API: upload (JSON, YAML), refusals with paths, same content same version,
list and read, immutability at the database, activation only of smoke-tested versions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from domain.auth import Role
from infra.db import tenant_configs
from infra.db.principals import create_principal
from infra.settings import Settings
from tests.helpers.onboarding import EXAMPLES, create_tenant, document, upload

pytestmark = pytest.mark.integration


async def test_yaml_upload_then_the_same_content_as_json_is_the_same_version(api: httpx.AsyncClient, keys) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops, "Harbour Plumbing")
    text = (EXAMPLES / "harbour-plumbing.yaml").read_text()
    await store_secret(api, ops, tenant, "crm_signing")  # the example's webhook signs with it
    first = await upload(api, ops, tenant, text)
    assert first["version"] == 1 and len(first["hash"]) == 64 and first["source_format"] == "yaml"
    assert first["graph"]["entry"] == "name" and first["graph"]["config_hash"] == first["hash"]
    assert not first["active"] and not first["smoke_passed"]
    again = await upload(api, keys.headers("admin"), tenant, first["document"], expect=200)
    assert (again["version"], again["hash"]) == (1, first["hash"])
    changed = await upload(api, ops, tenant, {**first["document"], "recording": "off"})
    assert changed["version"] == 2 and changed["hash"] != first["hash"]
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=ops)).json()
    assert listed["active_version"] is None
    assert [(v["version"], v["active"]) for v in listed["versions"]] == [(1, False), (2, False)]
    read = (await api.get(f"/v1/tenants/{tenant}/configs/2", headers=ops)).json()
    assert read["graph"]["config_hash"] == changed["hash"] and read["document"]["recording"] == "off"
    missing = await api.get(f"/v1/tenants/{tenant}/configs/9", headers=ops)
    assert missing.status_code == 404 and missing.json()["code"] == "config_not_found"


async def store_secret(api: httpx.AsyncClient, headers: dict[str, str], tenant: str, name: str) -> None:
    stored = await api.put(f"/v1/tenants/{tenant}/secrets/{name}", json={"value": "s3cret-" + name}, headers=headers)
    assert stored.status_code in (200, 201), stored.text


async def test_a_webhook_naming_a_secret_the_tenant_has_not_stored_is_refused_at_upload(
    api: httpx.AsyncClient, keys, engine: AsyncEngine
) -> None:
    ops = keys.headers("operator")
    tenant, other = await create_tenant(api, ops), await create_tenant(api, ops, "Other")
    hooks = [{"id": "crm", "type": "webhook", "url": "https://hooks.example/revos", "secret": "crm_signing",
              "on": ["lead.captured"]}]
    await store_secret(api, ops, other, "crm_signing")  # another tenant's secret is not this tenant's
    body = await upload(api, ops, tenant, document(integrations=hooks), expect=422)
    assert [(e["path"], e["code"]) for e in body["errors"]] == [("$.integrations[0].secret", "secret_unknown")]
    async with engine.connect() as conn:
        assert await tenant_configs.list_versions(conn, UUID(tenant)) == []
    await store_secret(api, ops, tenant, "crm_signing")
    stored = await upload(api, ops, tenant, document(integrations=hooks))
    assert stored["version"] == 1 and stored["document"]["integrations"][0]["secret"] == "crm_signing"


async def test_every_refusal_at_once_with_path_and_code(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    bad = document(numbers=["0298765432"], objectives=[{"id": "name", "type": "capture_name", "next": "nowhere"},
                                                       {"id": "x", "type": "teleport"}])
    body = await upload(api, ops, tenant, bad, expect=422)
    assert body["code"] == "config_invalid"
    found = {(e["path"], e["code"]) for e in body["errors"]}
    assert ("$.numbers[0]", "not_e164") in found and ("$.objectives[1].type", "unknown_type") in found, found
    assert all(set(e) == {"path", "code", "message"} for e in body["errors"])
    yaml_error = await api.post(f"/v1/tenants/{tenant}/configs", content=b"business: [unclosed",
                                headers={**ops, "content-type": "application/yaml"})
    assert yaml_error.status_code == 422 and yaml_error.json()["errors"][0]["code"] == "parse_error"
    wrong_type = await api.post(f"/v1/tenants/{tenant}/configs", content=b"x",
                                headers={**ops, "content-type": "text/csv"})
    assert wrong_type.status_code == 415 and wrong_type.json()["code"] == "unsupported_media_type"
    async with engine.connect() as conn:
        assert await tenant_configs.list_versions(conn, UUID(tenant)) == []


async def test_a_number_bound_to_another_tenant_is_refused(api: httpx.AsyncClient, keys) -> None:
    ops = keys.headers("operator")
    other, tenant = await create_tenant(api, ops, "Other"), await create_tenant(api, ops)
    bound = await api.post(f"/v1/tenants/{other}/phone-numbers", json={"number": "+61298765432"}, headers=ops)
    assert bound.status_code == 201
    body = await upload(api, ops, tenant, document(), expect=422)
    assert ("$.numbers[0]", "number_taken") in {(e["path"], e["code"]) for e in body["errors"]}


async def test_webhook_hosts_are_resolved_and_refused_unless_the_deployment_allows_private_hosts(
    settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment, keys
) -> None:
    strict = settings.model_copy(update={"webhook_allow_private_hosts": False})
    app = create_app(strict, engine=engine, temporal=TemporalProvider("unused", "default", client=temporal_env.client))
    hooks = [{"id": "local", "type": "webhook", "url": "http://localhost:9/x", "secret": "s", "on": ["call.ended"]},
             {"id": "nowhere", "type": "webhook", "url": "https://hooks.example/x", "secret": "s",
              "on": ["call.ended"]}]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        ops = keys.headers("operator")
        tenant = await create_tenant(client, ops)
        body = await upload(client, ops, tenant, document(integrations=hooks), expect=422)
    refused = {e["path"]: e["message"] for e in body["errors"] if e["code"] == "host_refused"}
    assert "loopback" in refused["$.integrations[0].url"] and "unresolvable" in refused["$.integrations[1].url"]


async def test_roles_and_tenant_scope(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> None:
    ops = keys.headers("operator")
    tenant, other = await create_tenant(api, ops), await create_tenant(api, ops, "Other")
    async with engine.begin() as conn:
        _, own_key = await create_principal(conn, name="own", role=Role.CUSTOMER, tenant_id=UUID(tenant))
    for role in ("founder", "service"):
        assert (await api.post(f"/v1/tenants/{tenant}/configs", json=document(),
                               headers=keys.headers(role))).status_code == 403
    own = {"Authorization": f"Bearer {own_key}"}
    assert (await api.post(f"/v1/tenants/{tenant}/configs", json=document(), headers=own)).status_code == 403
    assert (await api.get(f"/v1/tenants/{tenant}/configs", headers=own)).status_code == 200
    assert (await api.get(f"/v1/tenants/{other}/configs", headers=own)).status_code == 403


async def test_versions_are_immutable_and_only_smoke_tested_ones_activate(
    api: httpx.AsyncClient, keys, engine: AsyncEngine
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    first = await upload(api, ops, tenant, document())
    second = await upload(api, ops, tenant, document(recording="off"))
    refused = await api.post(f"/v1/tenants/{tenant}/configs/1/activate", headers=ops)
    assert refused.status_code == 409 and refused.json()["code"] == "config_not_smoke_tested"
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        for version in (1, 2):
            await tenant_configs.record_smoke(conn, UUID(tenant), version, passed=True, workflow_id="test",
                                              detail={}, now=now)
    forward = (await api.post(f"/v1/tenants/{tenant}/configs/2/activate", headers=ops)).json()
    assert forward == {"tenant_id": tenant, "version": 2, "previous_version": None, "changed": True}
    back = (await api.post(f"/v1/tenants/{tenant}/configs/{first['version']}/activate", headers=ops)).json()
    assert back["previous_version"] == second["version"] and back["changed"]
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=ops)).json()
    assert listed["active_version"] == 1 and [v["active"] for v in listed["versions"]] == [True, False]
    async with engine.connect() as conn:
        history = await tenant_configs.activations(conn, UUID(tenant))
    assert [(h["version"], h["reason"]) for h in history] == [(2, "roll_forward"), (1, "rollback")]
    for sql in ("UPDATE tenant_config_versions SET hash = repeat('0', 64)", "DELETE FROM tenant_config_versions",
                "DELETE FROM tenant_config_smoke_results", "UPDATE tenant_config_activations SET version = 2",
                "DELETE FROM tenant_active_config"):
        async with engine.begin() as conn:
            with pytest.raises(DBAPIError, match="append-only|never deleted"):
                await conn.exec_driver_sql(sql)


async def test_the_database_refuses_an_active_version_that_never_passed(api: httpx.AsyncClient, keys,
                                                                          engine: AsyncEngine) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, document())
    async with engine.begin() as conn:
        await tenant_configs.record_smoke(conn, UUID(tenant), 1, passed=False, workflow_id="test", detail={},
                                          now=datetime.now(UTC))
    async with engine.begin() as conn:
        with pytest.raises(DBAPIError, match="never passed its smoke tests"):
            await conn.exec_driver_sql(f"INSERT INTO tenant_active_config VALUES ('{tenant}', 1, now())")

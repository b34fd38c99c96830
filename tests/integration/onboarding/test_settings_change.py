"""PATCH /v1/tenants/{id}/settings: hours, holidays, escalation number and e-mails only; a new version derived
from the active one, onboarded by the same workflow; the same values again change nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, WorkflowExecutionStatus

from domain.auth import Role
from infra.db import tenant_configs
from infra.db.principals import create_principal
from tests.helpers.onboarding import create_tenant, document, upload

pytestmark = pytest.mark.integration


async def active_tenant(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> str:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, document(notifications={"emails": ["office@acme.example"]}))
    async with engine.begin() as conn:
        await tenant_configs.record_smoke(conn, UUID(tenant), 1, passed=True, workflow_id="test", detail={},
                                          now=datetime.now(UTC))
    assert (await api.post(f"/v1/tenants/{tenant}/configs/1/activate", headers=ops)).status_code == 200
    return tenant


async def test_a_settings_change_derives_a_version_and_starts_its_onboarding(
    api: httpx.AsyncClient, keys, engine: AsyncEngine, temporal_client: Client
) -> None:
    tenant = await active_tenant(api, keys, engine)
    async with engine.begin() as conn:
        _, key = await create_principal(conn, name="owner", role=Role.CUSTOMER, tenant_id=UUID(tenant))
    owner = {"Authorization": f"Bearer {key}"}
    change = {"holidays": ["2026-12-25"], "transfer_to": "+61298765009", "emails": ["boss@acme.example"],
              "hours": {"mon": ["08:00-12:00"]}}
    started = await api.patch(f"/v1/tenants/{tenant}/settings", json=change, headers=owner)
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["version"] == 2 and body["changed"] and body["workflow_id"] == f"onboarding-{tenant}-v2"
    read = (await api.get(f"/v1/tenants/{tenant}/configs/2", headers=owner)).json()
    assert (read["source_format"], read["derived_from"], read["active"]) == ("settings", 1, False)
    assert read["document"]["business"]["holidays"] == ["2026-12-25"]
    assert read["document"]["escalation"]["transfer_to"] == "+61298765009"
    assert read["document"]["business"]["hours"]["mon"] == ["08:00-12:00"]
    assert [(o["id"], o["type"]) for o in read["document"]["objectives"]] == [
        (o["id"], o["type"]) for o in document()["objectives"]]  # the graph is the active one's
    described = await temporal_client.get_workflow_handle(body["workflow_id"]).describe()
    assert described.status == WorkflowExecutionStatus.RUNNING
    assert described.typed_search_attributes is not None
    await temporal_client.get_workflow_handle(body["workflow_id"]).terminate("test over")
    ended = (await api.get(f"/v1/onboarding/{body['workflow_id']}", headers=owner)).json()
    assert (ended["status"], ended["failure"], ended["version"]) == ("failed", "the workflow was terminated", 2)
    for unknown in ("nothing", f"onboarding-{tenant}-v9"):
        missing = await api.get(f"/v1/onboarding/{unknown}", headers=owner)
        assert missing.status_code == 404 and missing.json()["code"] == "onboarding_not_found"


async def test_only_the_tenant_settings_are_changeable_and_unchanged_values_make_no_version(
    api: httpx.AsyncClient, keys, engine: AsyncEngine
) -> None:
    ops = keys.headers("operator")
    fresh = await create_tenant(api, ops, "Fresh")
    none_active = await api.patch(f"/v1/tenants/{fresh}/settings", json={"holidays": []}, headers=ops)
    assert none_active.status_code == 409 and none_active.json()["code"] == "no_active_config"
    tenant = await active_tenant(api, keys, engine)
    for body, path in (({"numbers": ["+61298765111"]}, "$.numbers"), ({"optional_objectives": "off"},
                                                                       "$.optional_objectives"),
                       ({"holidays": ["christmas"]}, "$.holidays[0]")):
        refused = await api.patch(f"/v1/tenants/{tenant}/settings", json=body, headers=ops)
        assert refused.status_code == 422 and path in [e["path"] for e in refused.json()["errors"]], refused.text
    same = await api.patch(f"/v1/tenants/{tenant}/settings", json={"emails": ["office@acme.example"]}, headers=ops)
    assert same.status_code == 200 and same.json() == {"workflow_id": None, "version": 1, "changed": False}
    async with engine.begin() as conn:
        _, key = await create_principal(conn, name="other", role=Role.CUSTOMER, tenant_id=UUID(fresh))
    other = await api.patch(f"/v1/tenants/{tenant}/settings", json={"holidays": []},
                            headers={"Authorization": f"Bearer {key}"})
    assert other.status_code == 403
    assert (await api.patch(f"/v1/tenants/{tenant}/settings", json={"holidays": []},
                            headers=keys.headers("founder"))).status_code == 403

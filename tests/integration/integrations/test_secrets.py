"""Tenant secrets: stored by operators, sealed at rest, never in a response, an event or a log line."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.state import TemporalProvider
from domain.tenants import Tenant
from infra.db.tables_integrations import tenant_secrets
from infra.db.tenant_secrets import read_secret
from infra.secrets_box import SecretBox, new_key
from infra.settings import Settings

pytestmark = pytest.mark.integration
VALUE = "whsec_" + uuid.uuid4().hex


async def test_a_stored_secret_is_sealed_and_never_shown(api: httpx.AsyncClient, keys: Any, tenant: Tenant,
                                                          engine: AsyncEngine, settings: Settings,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"/v1/tenants/{tenant.id}/secrets/crm_signing"
    first = await api.put(url, json={"value": VALUE}, headers=keys.headers("operator"))
    again = await api.put(url, json={"value": VALUE}, headers=keys.headers("admin"))
    names = await api.get(f"/v1/tenants/{tenant.id}/secrets", headers=keys.headers("operator"))
    stream = await api.get(f"/v1/streams/tenant:{tenant.id}/events", headers=keys.headers("admin"))
    assert first.status_code == 200 and first.json() == {"tenant_id": str(tenant.id), "name": "crm_signing",
                                                         "replaced": False}
    assert again.json()["replaced"] is True and names.json()["names"] == ["crm_signing"]
    assert [e["type"] for e in stream.json()["events"]][-2:] == ["tenant.secret_stored"] * 2
    for response in (first, again, names, stream):
        assert VALUE not in response.text
    assert VALUE not in caplog.text
    async with engine.connect() as conn:
        sealed = (await conn.execute(select(tenant_secrets.c.ciphertext))).scalar_one()
        dump = (await conn.execute(text("SELECT string_agg(payload::text, ' ') FROM events"))).scalar_one()
        assert settings.secrets_key is not None
        box = SecretBox(settings.secrets_key.get_secret_value())
        assert await read_secret(conn, box, tenant.id, "crm_signing") == VALUE
        with pytest.raises(ValueError):
            await read_secret(conn, SecretBox(new_key()), tenant.id, "crm_signing")
    assert VALUE.encode() not in sealed and VALUE not in dump
    with pytest.raises(ValueError):
        box.open(uuid.uuid4(), "crm_signing", sealed)  # bound to its tenant


async def test_who_may_store_and_what_is_refused(api: httpx.AsyncClient, keys: Any, tenant: Tenant) -> None:
    url = f"/v1/tenants/{tenant.id}/secrets/crm_signing"
    assert (await api.put(url, json={"value": VALUE}, headers=keys.headers("service"))).status_code == 403
    assert (await api.put(url, json={"value": VALUE})).status_code == 401
    bad_name = await api.put(f"/v1/tenants/{tenant.id}/secrets/Bad-Name", json={"value": VALUE},
                             headers=keys.headers("operator"))
    assert bad_name.status_code == 422
    too_long = await api.put(url, json={"value": "x" * 5000}, headers=keys.headers("operator"))
    assert too_long.status_code == 422 and "x" * 100 not in too_long.text
    missing = await api.put(f"/v1/tenants/{uuid.uuid4()}/secrets/crm_signing", json={"value": VALUE},
                            headers=keys.headers("operator"))
    assert missing.status_code == 404


async def test_without_a_key_secrets_are_refused_not_stored_in_clear(keys: Any, tenant: Tenant, engine: AsyncEngine,
                                                                      settings: Settings,
                                                                      temporal_client: object) -> None:
    app = create_app(settings.model_copy(update={"secrets_key": None}), engine=engine,
                     temporal=TemporalProvider("unused", "default"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.put(f"/v1/tenants/{tenant.id}/secrets/crm_signing", json={"value": VALUE},
                                    headers=keys.headers("operator"))
    assert response.status_code == 503 and response.json()["code"] == "secrets_key_missing"
    async with engine.connect() as conn:
        assert (await conn.execute(select(tenant_secrets))).first() is None

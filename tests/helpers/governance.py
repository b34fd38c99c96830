"""Governance test helpers: capabilities with real executors, filed issues, and waiting on contracts over the API.

The default change is the one a founder approves most often in these tests: a tenant's kernel policy
(`targets.cac_max`), on a tenant with stored facts, so the kernel's next cycle runs and health can judge it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capabilities import KERNEL_POLICY
from tests.helpers.kernel_facts import POLICY, make_tenant, seed_facts
from tests.helpers.polling import until

# A change the kernel policy takes and the next cycle still runs with; and one that stops the kernel
# (rule 5: no lever allowed), which its own model accepts: only health can catch it.
HEALTHY_KEY, HEALTHY_VALUE = "targets.cac_max", 1500
BREAKING_KEY = "guardrails.allowed_levers"
BREAKING_VALUE: list[str] = []


async def kernel_tenant(engine: AsyncEngine, *, facts: bool = True) -> str:
    """A tenant with a kernel policy; with `facts`, the weeks of stored data a cycle needs."""
    now = datetime.now(UTC)
    tenant = await make_tenant(engine, now)
    if facts:
        await seed_facts(engine, tenant, now)
    else:
        from infra.db.kernel_store import record_policy
        async with engine.begin() as conn:
            await record_policy(conn, tenant, POLICY, now)
    return str(tenant)


def change_payload(target: str, value: Any = HEALTHY_VALUE, key: str = HEALTHY_KEY, capability: str = KERNEL_POLICY,
                   **extra: Any) -> dict[str, Any]:
    return {"title": "Please change the kernel policy", "description": "the finance team asks for it",
            "requested_changes": [{"capability": capability, "target": target, "key": key, "value": value}],
            **extra}


def also(payload: dict[str, Any], target: str, key: str, value: Any, capability: str = KERNEL_POLICY
         ) -> dict[str, Any]:
    """The payload with one more requested change."""
    payload["requested_changes"].append({"capability": capability, "target": target, "key": key, "value": value})
    return payload


async def register(api: httpx.AsyncClient, keys: Any, name: str = KERNEL_POLICY) -> None:
    r = await api.post("/v1/capabilities", json={"name": name}, headers=keys.headers("admin"))
    assert r.status_code in (201, 409), r.text


async def file_issue(api: httpx.AsyncClient, keys: Any, payload: dict[str, Any], external_id: str | None = None,
                     source: str = "crm_feedback", role: str = "service") -> dict[str, Any]:
    r = await api.post("/v1/issues", json={"source": source, "external_id": external_id, "raw_payload": payload},
                       headers=keys.headers(role))
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def issue(api: httpx.AsyncClient, keys: Any, issue_id: str) -> dict[str, Any]:
    r = await api.get(f"/v1/issues/{issue_id}", headers=keys.headers("founder"))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def contract(api: httpx.AsyncClient, keys: Any, contract_id: str) -> dict[str, Any]:
    r = await api.get(f"/v1/contracts/{contract_id}", headers=keys.headers("founder"))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def drafted(api: httpx.AsyncClient, keys: Any, issue_id: str) -> str:
    """Wait until the issue has a DRAFT contract; returns its id."""
    async def check() -> str | None:
        body = await issue(api, keys, issue_id)
        assert body["status"] != "INELIGIBLE", body["eligibility"]
        return body["contract_id"] if body["status"] == "CONTRACT_DRAFTED" else None
    return str(await until(check))


async def approve(api: httpx.AsyncClient, keys: Any, contract_id: str, **body: Any) -> dict[str, Any]:
    r = await api.post(f"/v1/contracts/{contract_id}/approve", json=body, headers=keys.headers("founder"))
    assert r.status_code == 200 and r.json()["status"] == "APPROVED", r.text
    return dict(r.json())


# The last event each terminal state's path writes: past it the workflow does no more I/O.
LAST_EVENT = {"COMPLETED": "contract.completed", "FAILED": "incident.opened", "REJECTED": "contract.rejected",
              "EXPIRED": "contract.expired"}


async def reaches(api: httpx.AsyncClient, keys: Any, contract_id: str, status: str, timeout: float = 30.0
                  ) -> dict[str, Any]:
    """Wait for `status`; for a terminal one, also for the path's last event."""
    async def check() -> dict[str, Any] | None:
        body = await contract(api, keys, contract_id)
        if body["status"] != status:
            return None
        last = LAST_EVENT.get(status)
        return body if last is None or body["timeline"][-1]["type"] == last else None
    return dict(await until(check, timeout=timeout))


async def state(api: httpx.AsyncClient, keys: Any, target: str, name: str = KERNEL_POLICY) -> dict[str, Any]:
    """The instance's current values, read through its executor."""
    r = await api.get(f"/v1/capabilities/{name}/state", params={"target": target}, headers=keys.headers("admin"))
    assert r.status_code == 200, r.text
    return dict(r.json()["values"])


def events(body: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [e for e in body["timeline"] if e["type"] == type_]


def verdict(body: dict[str, Any]) -> dict[str, Any]:
    return dict(events(body, "audit.verdict")[0]["payload"])

"""Governance test helpers: shrunk durations, a registered capability, polling over the API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from infra.settings import Settings

BUNDLE = "workers.governance_worker:governance_bundle"
DIALER_CHECKS = [
    {"key": "max_calls_per_hour", "type": "number", "min": 0, "max": 500},
    {"key": "enabled", "type": "boolean"},
]
DIALER_STATE = {"max_calls_per_hour": 100, "enabled": True, "region": "au"}


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", contract_draft_ttl_seconds=120,
                    governance_activation_delay_seconds=0.3, governance_activation_window_seconds=120,
                    governance_step_interval_seconds=0)


def change_payload(value: Any = 200, key: str = "max_calls_per_hour", capability: str = "dialer",
                   **extra: Any) -> dict[str, Any]:
    return {"title": "Please raise the dialer limit", "description": "our team is blocked at the hourly limit",
            "requested_changes": [{"capability": capability, "key": key, "value": value}], **extra}


async def register(api: httpx.AsyncClient, keys: Any, name: str = "dialer", checks: Any = None,
                   state: Any = None) -> None:
    body = {"name": name, "description": f"{name} capability",
            "checks": DIALER_CHECKS if checks is None else checks,
            "initial_state": DIALER_STATE if state is None else state}
    r = await api.post("/v1/capabilities", json=body, headers=keys.headers("admin"))
    assert r.status_code == 201, r.text


async def file_issue(api: httpx.AsyncClient, keys: Any, payload: dict[str, Any], external_id: str | None = None,
                     source: str = "crm_feedback", role: str = "service") -> dict[str, Any]:
    r = await api.post("/v1/issues", json={"source": source, "external_id": external_id, "raw_payload": payload},
                       headers=keys.headers(role))
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 20.0, every: float = 0.05) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(every)


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
        return body["contract_id"] if body["status"] == "CONTRACT_DRAFTED" else None
    return str(await until(check))


# The last event each terminal state's path writes: past it the workflow does no more I/O.
LAST_EVENT = {"COMPLETED": "contract.completed", "FAILED": "incident.opened", "REJECTED": "contract.rejected",
              "EXPIRED": "contract.expired"}


async def reaches(api: httpx.AsyncClient, keys: Any, contract_id: str, status: str, timeout: float = 20.0
                  ) -> dict[str, Any]:
    """Wait for `status`; for a terminal one, also for the path's last event."""
    async def check() -> dict[str, Any] | None:
        body = await contract(api, keys, contract_id)
        if body["status"] != status:
            return None
        last = LAST_EVENT.get(status)
        return body if last is None or body["timeline"][-1]["type"] == last else None
    return dict(await until(check, timeout))


async def capability_state(api: httpx.AsyncClient, keys: Any, name: str = "dialer") -> dict[str, Any]:
    r = await api.get("/v1/capabilities", headers=keys.headers("admin"))
    return next(dict(c) for c in r.json()["items"] if c["name"] == name)

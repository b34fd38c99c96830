"""Onboarding tests' documents and API steps: a tenant, an uploaded configuration, the examples."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenants"
NUMBER = "+61298765432"  # tests/helpers/voice_worker.NUMBER: the number the voice tests dial
ESCALATION = "+61298765000"

# The Voice Core's default shape (name, phone, end) written as a tenant's configuration: the graph today's
# dialogue already runs. Escalation goes to a person in and out of hours.
DEFAULT_SHAPED: dict[str, Any] = {
    "business": {"name": "Acme Plumbing", "timezone": "Australia/Sydney",
                 "hours": {d: ["07:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}},
    "numbers": [NUMBER],
    "escalation": {"transfer_to": ESCALATION, "after_hours": "transfer"},
    "objectives": [{"id": "name", "type": "capture_name"}, {"id": "phone", "type": "capture_phone"},
                   {"id": "wrap_up", "type": "end"}],
}


# The same, with both captures optional: what today's dialogue does when a capture fails (it goes on), so every
# covering path of this graph is one today's Voice Core walks (the required version's escalation paths need the
# dialogue that walks the graph).
OPTIONAL_CAPTURES = [{"id": "name", "type": "capture_name", "required": False},
                     {"id": "phone", "type": "capture_phone", "required": False}, {"id": "wrap_up", "type": "end"}]


def document(**changes: Any) -> dict[str, Any]:
    """DEFAULT_SHAPED with top-level sections replaced."""
    out = copy.deepcopy(DEFAULT_SHAPED)
    out.update(changes)
    return out


async def create_tenant(api: httpx.AsyncClient, headers: dict[str, str], name: str = "Acme Plumbing") -> str:
    response = await api.post("/v1/tenants", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def upload(api: httpx.AsyncClient, headers: dict[str, str], tenant: str, body: dict[str, Any] | str,
                 *, expect: int = 201) -> dict[str, Any]:
    if isinstance(body, str):
        response = await api.post(f"/v1/tenants/{tenant}/configs", content=body.encode(),
                                  headers={**headers, "content-type": "application/yaml"})
    else:
        response = await api.post(f"/v1/tenants/{tenant}/configs", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return dict(response.json())


async def follow(api: httpx.AsyncClient, headers: dict[str, str], workflow_id: str, timeout: float = 300
                 ) -> dict[str, Any]:
    """GET /v1/onboarding/{id} until the workflow is no longer running; its last progress."""
    from tests.helpers.polling import until

    async def read() -> dict[str, Any]:
        response = await api.get(f"/v1/onboarding/{workflow_id}", headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    return await until(read, accept=lambda p: p["status"] != "running", timeout=timeout, every=1.0)


def stages(progress: dict[str, Any]) -> dict[str, str]:
    return {s["stage"]: s["status"] for s in progress["stages"]}

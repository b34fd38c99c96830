"""Capital test helpers: a seeded tenant, product, campaign and SDR login, and the calls tests make on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx


@dataclass
class World:
    api: httpx.AsyncClient
    keys: Any
    tenant_id: str
    product_id: str
    campaign_id: str
    login_id: str
    leads: list[str] = field(default_factory=list)

    def h(self, role: str = "admin") -> dict[str, str]:
        return dict(self.keys.headers(role))

    async def post(self, path: str, body: Any = None, role: str = "admin", expect: int | None = None) -> Any:
        response = await self.api.post(path, json=body, headers=self.h(role))
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json()

    async def experiment(self, campaign_id: str | None = None, **overrides: Any) -> str:
        body = {"campaign_id": campaign_id or self.campaign_id, "name": f"exp {uuid.uuid4().hex[:6]}",
                "hypothesis": "install appointment -> activator install", "capital_cap_usd": "5000",
                "time_cap_days": "100000", "tranche_size_usd": "1000",
                "primary_success_event": "calculator_installed", "secondary_events": ["paid_conversion"],
                **overrides}
        return str((await self.post("/v1/experiments", body, expect=201))["id"])

    async def lead(self, campaign_id: str | None = None) -> str:
        lead = await self.post("/v1/leads", {"campaign_id": campaign_id or self.campaign_id, "name": "Lead"},
                               role="service", expect=201)
        self.leads.append(lead["id"])
        return str(lead["id"])

    async def call(self, lead: str, at: datetime, duration_s: int = 200, outcome: str = "Schedule",
                   login: str | None = None) -> dict[str, Any]:
        body = {"lead_id": lead, "login_id": login or self.login_id, "started_at": at.isoformat(),
                "duration_s": duration_s, "outcome": outcome, "twilio_call_sid": f"CA{uuid.uuid4().hex}"}
        result: dict[str, Any] = await self.post("/v1/dialer/calls", body, role="service", expect=201)
        return result

    async def event(self, lead: str, type_: str, at: datetime, login: str | None = None) -> dict[str, Any]:
        body = {"external_id": uuid.uuid4().hex, "lead_id": lead, "type": type_, "occurred_at": at.isoformat(),
                "login_id": login}
        result: dict[str, Any] = await self.post("/v1/performance-events", body, role="service", expect=201)
        return result


async def make_world(api: httpx.AsyncClient, keys: Any, timezone: str = "UTC") -> World:
    """A tenant (in `timezone`: the scenarios that reckon in UTC days say so), its product, campaign and SDR."""
    async def post(path: str, body: Any, role: str = "admin") -> Any:
        response = await api.post(path, json=body, headers=keys.headers(role))
        assert response.status_code == 201, response.text
        return response.json()

    tenant = await post("/v1/tenants", {"name": "Junk Car Co", "timezone": timezone})
    product = await post("/v1/products", {"tenant_id": tenant["id"], "name": "Junk Car Calculator"})
    campaign = await post("/v1/campaigns", {"product_id": product["id"], "name": "Outbound SDR",
                                            "owner_user_id": "owner-1", "status": "active",
                                            "start_date": datetime.now(UTC).date().isoformat()})
    login = await post("/v1/team", {"campaign_id": campaign["id"], "email": f"sdr-{uuid.uuid4().hex[:6]}@x.com",
                                    "person_name": "Sam", "role": "sdr", "hourly_rate_usd": "30"})
    return World(api, keys, tenant["id"], product["id"], campaign["id"], login["id"])

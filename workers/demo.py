"""`revos demo`: seed a demo tenant across every domain on a running system and say where to look.

It talks to the running API like any client (keys are created for it), so everything it creates goes
through the same validation, roles and workflows as real traffic.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.auth import Role
from infra.db.engine import make_engine
from infra.db.principals import create_principal
from infra.settings import Settings
from workers.local_db import database_url_for_cli

KERNEL_METRICS = {"pipeline_total": 300_000.0, "bookings_new": 95_000.0, "cac_blended": 900.0,
                  "gross_margin_pct": 70.0, "payback_months": 10.0, "revenue_per_fte": 180_000.0,
                  "runway_months": 20.0}


class Demo:
    def __init__(self, settings: Settings, keys: dict[Role, str]) -> None:
        self.settings = settings
        self.keys = keys
        self.api = httpx.Client(base_url=f"http://{settings.api_host}:{settings.api_port}", timeout=60)
        self.lines: list[str] = []

    def call(self, method: str, path: str, role: Role, body: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        response = self.api.request(method, path, json=body, headers={"Authorization": f"Bearer {self.keys[role]}"})
        if response.status_code not in expect:
            raise SystemExit(f"demo: {method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    def tenant(self) -> str:
        tenant: str = self.call("POST", "/v1/tenants", Role.OPERATOR, {"name": "Demo Plumbing Co"})["id"]
        number = f"+6129{random.randint(1000000, 9999999)}"
        self.call("POST", f"/v1/tenants/{tenant}/phone-numbers", Role.OPERATOR, {"number": number})
        self.lines.append(f"tenant        {tenant} (phone {number})")
        self.number = number
        return tenant

    def capital(self, tenant: str) -> None:
        product = self.call("POST", "/v1/products", Role.ADMIN, {"tenant_id": tenant, "name": "Junk Car Calculator"})
        start = datetime.now(UTC).date().isoformat()
        campaign = self.call("POST", "/v1/campaigns", Role.ADMIN, {
            "product_id": product["id"], "name": "Outbound SDR", "owner_user_id": "founder", "start_date": start,
            "status": "active",
            "capital_budget_usd": "20000"})
        login = self.call("POST", "/v1/team", Role.ADMIN, {
            "campaign_id": campaign["id"], "email": f"sdr{random.randint(1, 10**6)}@demo.example",
            "person_name": "Sam SDR", "role": "sdr", "hourly_rate_usd": "32.50"})
        lead = self.call("POST", "/v1/leads", Role.ADMIN, {"campaign_id": campaign["id"], "name": "Pat's Towing"})
        experiment = self.call("POST", "/v1/experiments", Role.ADMIN, {
            "campaign_id": campaign["id"], "name": "Install appointment -> activator install",
            "hypothesis": "Booking an install appointment on the first call doubles installs per $1k",
            "capital_cap_usd": "5000", "time_cap_days": "14", "tranche_size_usd": "500",
            "primary_success_event": "calculator_installed"})
        self.call("POST", f"/v1/experiments/{experiment['id']}/start", Role.ADMIN)
        now = datetime.now(UTC)
        calls = [{"lead_id": lead["id"], "login_id": login["id"], "twilio_call_sid": f"CA{random.getrandbits(64):x}",
                  "started_at": (now - timedelta(minutes=5 * i + 10)).isoformat(), "duration_s": duration,
                  "outcome": outcome}
                 for i, (duration, outcome) in enumerate([(8, "No Answer"), (45, "Not Interested"),
                                                          (190, "Schedule"), (160, "Info")])]
        self.call("POST", "/v1/dialer/calls", Role.SERVICE, {"calls": calls})
        self.lines.append(f"experiment    {experiment['id']} running in campaign {campaign['id']}")
        self.lines.append(f"              GET /v1/experiments/{experiment['id']}/signals")
        self.experiment = experiment["id"]

    def governance(self) -> None:
        self.call("POST", "/v1/capabilities", Role.ADMIN, {
            "name": "pricing", "description": "Price book", "initial_state": {"max_discount_pct": 20}},
            expect=(201, 409))
        issue = self.call("POST", "/v1/issues", Role.SERVICE, {
            "source": "crm_feedback", "external_id": f"demo-{random.getrandbits(32):x}",
            "raw_payload": {"title": "Customers ask for a smaller discount ceiling",
                            "body": "Sales asks to change the pricing configuration.",
                            "requested_changes": [{"capability": "pricing", "key": "max_discount_pct", "value": 10}]}})
        contract = None
        for _ in range(100):
            contract = self.call("GET", f"/v1/issues/{issue['id']}", Role.OPERATOR).get("contract_id")
            if contract:
                break
            time.sleep(0.2)
        self.lines.append(f"issue         {issue['id']} -> contract {contract} (DRAFT, waits for the founder)")
        if contract:
            self.lines.append(f"              POST /v1/contracts/{contract}/approve with a founder key")

    def kernel(self, tenant: str) -> None:
        today = datetime.now(UTC).date()
        points = [{"metric_id": k, "value": v, "date": (today - timedelta(days=d)).isoformat()}
                  for k, v in KERNEL_METRICS.items() for d in range(1, 6)]
        self.call("POST", "/v1/metrics", Role.SERVICE, {"tenant_id": tenant, "metrics": points})
        self.call("PUT", f"/v1/kernel/tenants/{tenant}/policy", Role.ADMIN, {
            "targets": {"pipeline_total": 500_000, "bookings_new": 100_000, "cac_max": 1200},
            "guardrails": {"max_daily_spend": 2000, "allowed_levers": ["campaigns", "channels", "pricing"]},
            "cfo_guardrails": {"payback_target_months": 12, "payback_tolerance_months": 2, "margin_floor_pct": 60,
                               "cash_risk_tolerance": "medium", "runway_threshold_months": 9}})
        cycle = self.call("POST", f"/v1/kernel/tenants/{tenant}/cycles", Role.ADMIN, expect=(200, 202, 422, 429))
        summary = cycle.get("cycle_summary", {})
        self.lines.append(f"kernel cycle  {cycle.get('cycle_id', cycle.get('workflow_id'))}: "
                          f"{summary.get('diagnosis', cycle.get('message', ''))}")

    async def phone_call(self) -> None:
        from voice_runtime.demo_call import place_demo_call

        sid = await place_demo_call(self.settings, self.number)
        self.lines.append(f"phone call    {sid}: GET /v1/streams/call:{sid}/events")


async def _create_keys(url: str) -> dict[Role, str]:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            return {role: (await create_principal(conn, name=f"demo {role.value}", role=role))[1]
                    for role in (Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE)}
    finally:
        await engine.dispose()


def _keys(settings: Settings) -> dict[Role, str]:
    with database_url_for_cli(settings) as url:
        return asyncio.run(_create_keys(url))


def run(settings: Settings) -> int:
    base = f"http://{settings.api_host}:{settings.api_port}"
    try:
        httpx.get(f"{base}/readyz", timeout=5).raise_for_status()
    except httpx.HTTPError:
        print(f"revos demo: nothing ready at {base}; start the system first (python3 dev.py up)")
        return 2
    keys = _keys(settings)
    demo = Demo(settings, keys)
    tenant = demo.tenant()
    demo.capital(tenant)
    demo.governance()
    demo.kernel(tenant)
    asyncio.run(demo.phone_call())
    print("\nRevenue OS demo seeded:")
    for line in demo.lines:
        print(f"  {line}")
    print(f"\n  API docs     {base}/docs")
    print(f"  Temporal UI  http://127.0.0.1:{settings.temporal_ui_port}/namespaces/default/workflows")
    print(f"  founder key  {keys[Role.FOUNDER]}")
    return 0

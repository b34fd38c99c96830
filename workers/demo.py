"""`revos demo`: seed a demo tenant across every domain on a running system and say where to look.

It talks to the running API like any client (keys are created for it), so everything it creates goes
through the same validation, roles and workflows as real traffic.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from domain.auth import Role
from domain.objectives import parse_document
from infra.db.engine import make_engine
from infra.db.principals import create_principal
from infra.settings import Settings
from workers.local_db import database_url_for_cli
from workers.onboard_cli import OnboardClient, failure_report

PLUMBER = Path(__file__).resolve().parents[1] / "examples" / "tenants" / "harbour-plumbing.yaml"

KERNEL_METRICS = {"pipeline_total": 300_000.0, "bookings_new": 95_000.0, "cac_blended": 900.0,
                  "gross_margin_pct": 70.0, "payback_months": 10.0, "revenue_per_fte": 180_000.0,
                  "runway_months": 20.0}


class Demo:
    def __init__(self, settings: Settings, keys: dict[Role, str]) -> None:
        self.settings = settings
        self.keys = keys
        self.api = httpx.Client(base_url=f"http://{settings.api_host}:{settings.api_port}", timeout=60)
        self.lines: list[str] = []
        self.version: int | None = None

    def call(self, method: str, path: str, role: Role, body: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        response = self.api.request(method, path, json=body, headers={"Authorization": f"Bearer {self.keys[role]}"})
        if response.status_code not in expect:
            raise SystemExit(f"demo: {method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    def tenant(self) -> str:
        """The plumber example, onboarded like any tenant (its smoke calls included) on a fresh number."""
        number = f"+6129{random.randint(1000000, 9999999)}"
        document = parse_document(PLUMBER.read_text(), "yaml")  # plain data: `on:` stays a key
        document["numbers"] = [number]
        # The example's webhook names a host that does not resolve here: the compiler would refuse it.
        document["integrations"] = [i for i in document.get("integrations", []) if i.get("type") != "webhook"]
        client = OnboardClient(str(self.api.base_url).rstrip("/"), self.keys[Role.OPERATOR])
        tenant = client.create_tenant(document)
        stored = client.upload(tenant, json.dumps(document), "json")
        if isinstance(stored, list):
            raise SystemExit(f"demo: the plumber example was refused: {stored}")
        workflow_id = client.start(tenant, stored["version"])
        print(f"Onboarding {PLUMBER.name} as tenant {tenant} on {number}:", flush=True)
        progress = client.follow(workflow_id, f"version {stored['version']} ({workflow_id})")
        self.version = stored["version"] if progress["status"] == "active" else None
        if self.version is None:
            print("\n".join(failure_report(progress)), flush=True)
        state = "active" if self.version else "not activated (calls run the default graph)"
        self.lines.append(f"tenant        {tenant} (phone {number}), {PLUMBER.name} v{stored['version']} {state}")
        self.lines.append(f"              GET /v1/onboarding/{workflow_id}")
        self.number, self.tenant_id = number, tenant
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

    def governance(self, tenant: str) -> None:
        for name in ("kernel.policy", "capital.campaign"):  # the capabilities this deployment executes
            self.call("POST", "/v1/capabilities", Role.ADMIN, {"name": name}, expect=(201, 409))
        issue = self.call("POST", "/v1/issues", Role.SERVICE, {
            "source": "crm_feedback", "external_id": f"demo-{random.getrandbits(32):x}",
            "raw_payload": {"title": "Finance asks for a lower CAC ceiling",
                            "body": "Please change the configuration: CAC above 1000 is not affordable this quarter.",
                            "requested_changes": [{"capability": "kernel.policy", "target": tenant,
                                                   "key": "targets.cac_max", "value": 1000}]}})
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

    async def phone_call(self, database_url: str) -> None:
        """A call to the tenant: it walks the onboarded graph when onboarding activated it."""
        if self.version is None:
            from voice_runtime.testing.demo_call import place_demo_call

            sid = await place_demo_call(self.settings, self.number)
        else:
            sid, summary = await onboarded_call(self.settings, database_url, self.number, self.tenant_id,
                                                self.version)
            self.lines.append(f"              the call {summary}")
        self.lines.append(f"phone call    {sid}: GET /v1/streams/call:{sid}/events")


async def onboarded_call(settings: Settings, database_url: str, number: str, tenant: str, version: int
                         ) -> tuple[str, str]:
    """A call that walks the active graph's longest path for the current business state, checked like a smoke call."""
    from uuid import UUID

    from activities.smoke_calls import SmokeDialer
    from domain.objectives import business_open, covering_paths
    from domain.onboarding.messages import SmokeCall
    from domain.onboarding.versions import recompile
    from infra.db import tenant_configs

    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            stored = await tenant_configs.get_version(conn, UUID(tenant), version)
        assert stored is not None
        graph = recompile(stored.canonical, stored.hash).graph
        is_open = business_open(graph.business, datetime.now(UTC)) if graph.business else True
        paths = [p for p in covering_paths(graph).paths if p.business_open == is_open and p.terminal.action == "end"]
        path = max(paths, key=lambda p: len(p.outcomes))
        dialer = SmokeDialer(engine, settings)
        call = SmokeCall(tenant_id=UUID(tenant), version=version, index=0, path=path, number=number)
        result = await dialer.follow(await dialer.dial(number, None), call, graph, max_seconds=150,
                                     began=time.monotonic())
    finally:
        await engine.dispose()
    verdict = "walked its path" if result.passed else f"missed its path: {'; '.join(result.problems)}"
    return result.call_sid, f"({'open' if is_open else 'closed'} hours) {verdict}"


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
    demo.kernel(tenant)
    demo.governance(tenant)  # after the kernel policy exists: the demo's contract changes it
    with database_url_for_cli(settings) as url:
        asyncio.run(demo.phone_call(url))
    print("\nRevenue OS demo seeded:")
    for line in demo.lines:
        print(f"  {line}")
    print(f"\n  API docs     {base}/docs")
    print(f"  Temporal UI  http://127.0.0.1:{settings.temporal_ui_port}/namespaces/default/workflows")
    print(f"  founder key  {keys[Role.FOUNDER]}")
    return 0

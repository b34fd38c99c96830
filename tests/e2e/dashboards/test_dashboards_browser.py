"""The dashboards in a real browser: each role signs in, clicks through every page it is shown, and acts.

Screenshots of every page land in the run's basetemp/screenshots (or $REVOS_SCREENSHOTS).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.lifecycle import Action
from infra.settings import Settings
from tests.helpers.capital import make_world
from tests.helpers.capital_scenario import transition_at
from tests.helpers.dashboards import seed_calls, tenant_with_key
from tests.helpers.governance import change_payload, drafted, file_issue, kernel_tenant, reaches, register
from tests.helpers.kernel_payloads import payload
from tests.helpers.recorded_calls import seed_recorded_call
from workers.capital import capital_bundle
from workers.governance_worker import governance_bundle
from workers.spine import spine_bundle

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]


class Session:
    """One role's browser tab on the dashboards; every page it visits is screenshotted."""

    def __init__(self, page: Any, base: str, role: str, shots: Path) -> None:
        self.page, self.base, self.role, self.shots = page, base, role, shots
        self.taken: list[Path] = []

    async def shot(self, name: str) -> None:
        path = self.shots / f"{self.role}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)

    async def sign_in(self, key: str) -> None:
        await self.page.goto(self.base + "/ui")
        assert "/ui/login" in self.page.url
        await self.shot("sign-in")
        await self.page.fill("#api_key", key)
        await self.page.click("button:has-text('Sign in')")
        await self.page.wait_for_load_state()
        assert "/ui/login" not in self.page.url, await self.page.content()

    async def nav(self) -> list[tuple[str, str]]:
        links = await self.page.locator("header nav a").all()
        return [(await a.inner_text(), str(await a.get_attribute("href"))) for a in links]

    async def click_through(self) -> list[str]:
        """Click every page the frame links for this role; each must render (200) with its heading."""
        visited = []
        for label, href in await self.nav():
            async with self.page.expect_navigation() as nav:
                await self.page.click(f"header nav a:has-text('{label}')")
            response = await nav.value
            assert response is not None and response.status == 200, (self.role, href)
            assert await self.page.locator("main h1").count() >= 1
            await self.shot(re.sub(r"[^a-z0-9]+", "-", label.lower()))
            visited.append(href)
        return visited

    async def visit(self, path: str, name: str, status: int = 200) -> None:
        response = await self.page.goto(self.base + path)
        assert response is not None and response.status == status, (self.role, path, response and response.status)
        await self.shot(name)


@pytest.fixture
async def tab(browser: Any, base_url: str, screenshots: Path) -> Any:
    contexts = []

    async def open_tab(role: str) -> Session:
        context = await browser.new_context(viewport={"width": 1360, "height": 900})
        contexts.append(context)
        return Session(await context.new_page(), base_url, role, screenshots)

    yield open_tab
    for context in contexts:
        await context.close()


async def seed_voice(engine: AsyncEngine) -> dict[str, Any]:
    now = datetime.now(UTC)
    mine, customer_key = await tenant_with_key(engine, "Harbour Plumbing", now - timedelta(days=12), "+61291110000")
    other, _ = await tenant_with_key(engine, "Northside Clinic", now - timedelta(days=12), "+61291110001")
    starts = [now - timedelta(days=d, hours=h) for d in range(10) for h in (1, 3, 6, 9, 14)]
    my_calls = await seed_calls(engine, mine, starts, seed=1)
    their_calls = await seed_calls(engine, other, starts[::3], seed=2)
    return {"mine": mine, "other": other, "customer_key": customer_key, "my_calls": my_calls,
            "their_calls": their_calls}


async def test_operator_and_customer_click_through_their_pages(engine: AsyncEngine, keys: Any, tab: Any) -> None:
    voice = await seed_voice(engine)
    operator = await tab("operator")
    await operator.sign_in(keys["operator"])
    assert {href for _, href in await operator.nav()} == {"/ui/operator", "/ui/founder"}
    await operator.click_through()
    await operator.visit("/ui/operator", "platform")
    assert await operator.page.locator("svg.chart polyline").count() >= 6  # p50/p95/p99 of two latencies
    await operator.page.click("table[data-test=tenant-health] a:has-text('Harbour Plumbing')")
    await operator.page.wait_for_load_state()
    await operator.shot("tenant")
    await operator.page.click("table[data-test=recent-calls] tr:has(.badge-answered) a >> nth=0")
    await operator.page.wait_for_load_state()
    assert await operator.page.locator("[data-test=timeline] tr").count() > 5
    assert await operator.page.locator("a.temporal").first.get_attribute("href") is not None
    await operator.shot("call")

    customer = await tab("customer")
    await customer.sign_in(voice["customer_key"])
    assert await customer.nav() == [("Calls", f"/ui/tenants/{voice['mine']}")]
    await customer.click_through()
    assert "Harbour Plumbing" in await customer.page.inner_text("main h1")
    assert "offline" in (await customer.page.inner_text("[data-test=line-status]")).lower()
    await customer.page.click("table[data-test=recent-calls] tr:has(.badge-answered) a >> nth=0")
    await customer.page.wait_for_load_state()
    assert await customer.page.locator("[data-test=transcript] li.say-caller").count() >= 1
    assert await customer.page.locator("[data-test=timeline]").count() == 0  # events are for operators
    await customer.shot("call")


async def test_an_operator_plays_a_recording_and_replays_the_call(engine: AsyncEngine, keys: Any, tab: Any,
                                                                  settings: Settings) -> None:
    now = datetime.now(UTC)
    mine, customer_key = await tenant_with_key(engine, "Harbour Plumbing", now - timedelta(days=2), "+61291110000")
    sid = await seed_recorded_call(engine, settings, mine)
    operator = await tab("operator")
    await operator.sign_in(keys["operator"])
    await operator.visit(f"/ui/tenants/{mine}", "tenant-recordings")
    async with operator.page.expect_navigation():
        await operator.page.click("[data-test=recordings] a:has-text('listen')")
    assert operator.page.url.endswith(f"/ui/calls/{sid}")
    audio = operator.page.locator("audio[data-test=recording]")
    assert await audio.count() == 1
    played = await audio.evaluate("""async (a) => {
        a.muted = true;
        await a.play();
        await new Promise((done) => setTimeout(done, 800));
        a.pause();
        return {time: a.currentTime, duration: a.duration, error: a.error && a.error.code};
    }""")
    assert played["error"] is None and played["time"] > 0.3 and played["duration"] > 5, played
    line = operator.page.locator("[data-test=transcript] li[data-offset].say-caller").first
    offset = float(str(await line.get_attribute("data-offset")))
    await line.click()
    sought = await audio.evaluate("(a) => { a.pause(); return a.currentTime; }")
    assert abs(sought - offset) < 0.5, (sought, offset)
    wav = await operator.page.request.get(f"{operator.base}/ui/calls/{sid}/recording.wav?leg=caller")
    assert wav.status == 200 and wav.headers["content-type"] == "audio/wav"

    async with operator.page.expect_navigation():
        await operator.page.click("button[data-test=replay]")
    assert "identical" in await operator.page.inner_text("[data-test=replay-result]")
    await operator.shot("replay-identical")
    await operator.page.fill("input[name=config_version]", "2")  # the renamed version after the one it ran
    async with operator.page.expect_navigation():
        await operator.page.click("button[data-test=replay]")
    assert "diverged" in await operator.page.inner_text("[data-test=replay-result]")
    assert "dialogue.started" in await operator.page.inner_text("[data-test=divergence]")
    await operator.shot("replay-what-if")

    customer = await tab("customer")
    await customer.sign_in(customer_key)
    await customer.visit(f"/ui/calls/{sid}?replay=1", "recorded-call")
    assert await customer.page.locator("audio[data-test=recording]").count() == 1
    assert await customer.page.locator("[data-test=replay-panel]").count() == 0  # replay is for operators


async def test_a_customer_reaches_no_other_tenant_and_no_founder_action(engine: AsyncEngine, keys: Any,
                                                                       tab: Any) -> None:
    voice = await seed_voice(engine)
    customer = await tab("customer")
    await customer.sign_in(voice["customer_key"])
    await customer.visit(f"/ui/tenants/{voice['other']}", "other-tenant-refused", status=403)
    assert "scoped to another tenant" in await customer.page.inner_text("main")
    await customer.visit(f"/ui/calls/{voice['their_calls'][0]}", "other-call-refused", status=403)
    await customer.visit("/ui/founder", "founder-refused", status=403)
    await customer.visit("/ui/operator", "operator-refused", status=403)
    csrf = await customer.page.locator("input[name=csrf]").first.get_attribute("value")
    refused = await customer.page.request.post(
        f"{customer.base}/ui/founder/contracts/{uuid.uuid4()}/approve", form={"csrf": str(csrf)})
    assert refused.status == 403 and "may not" in await refused.text()

    founder = await tab("founder")
    await founder.sign_in(keys["founder"])
    target = f"{founder.base}/ui/founder/contracts/{uuid.uuid4()}/approve"
    for form in ({}, {"csrf": "forged"}, {"csrf": str(csrf)}):  # none, forged, another session's
        response = await founder.page.request.post(target, form=form)
        assert response.status == 403 and "CSRF" in await response.text(), form
    async with engine.connect() as conn:
        codes = (await conn.execute(text("SELECT payload->>'code' FROM events WHERE stream = 'security:refusals'"
                                         ))).scalars().all()
    assert {"forbidden", "forbidden_tenant", "csrf_failed"} <= set(codes)


async def test_the_founder_approves_a_draft_and_watches_it_roll_out(api: httpx.AsyncClient, keys: Any, worker: Any,
                                                                   tab: Any, engine: AsyncEngine) -> None:
    async with worker(spine_bundle, governance_bundle):
        await register(api, keys)
        tenant = await kernel_tenant(engine)
        issue = await file_issue(api, keys, change_payload(tenant), external_id="crm-1")
        contract_id = await drafted(api, keys, issue["id"])
        founder = await tab("founder")
        await founder.sign_in(keys["founder"])
        await founder.click_through()
        await founder.visit("/ui/founder", "drafts")
        draft = founder.page.locator(f"article[data-contract='{contract_id}']")
        assert "left" in await draft.locator(".left").inner_text()
        assert "targets.cac_max" in await draft.inner_text()
        await draft.locator("form[data-test=approve-form] input[name=note]").fill("fine by me")
        await draft.locator("button[data-test=approve]").click()
        await founder.page.wait_for_url(re.compile(rf"/ui/founder/contracts/{contract_id}\?notice="))
        assert "APPROVED" in await founder.page.inner_text("[data-test=notice]")
        await founder.shot("approved")
        done = await reaches(api, keys, contract_id, "COMPLETED")
        assert done["approved_by"] is not None
        await founder.visit(f"/ui/founder/contracts/{contract_id}", "contract-timeline")
        timeline = await founder.page.inner_text("[data-test=timeline]")
        for step in ("contract.approved", "contract.completed"):
            assert step in timeline, step


async def seed_capital(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> tuple[str, str]:
    world = await make_world(api, keys)
    now = datetime.now(UTC)
    experiment = await world.experiment(capital_cap_usd="5000", time_cap_days="30", tranche_size_usd="1000")
    await transition_at(engine, experiment, Action.START, now - timedelta(days=4))
    async with engine.begin() as conn:
        for day in range(4):
            await conn.execute(text("INSERT INTO cost_rollups (date, campaign_id, experiment_id, source, cost_usd) "
                                    "VALUES (:d, :c, :e, 'labor', :usd)"),
                               {"d": (now - timedelta(days=4 - day)).date(), "c": uuid.UUID(world.campaign_id),
                                "e": uuid.UUID(experiment), "usd": Decimal("1075")})
    for day, kind in ((3, "calculator_installed"), (3, "calculator_installed"), (2, "calculator_installed"),
                      (1, "calculator_installed"), (1, "paid_conversion")):
        await world.event(await world.lead(), kind, now - timedelta(days=day, hours=2))
    cycle = payload(at=now)
    cycle["tenant_id"] = world.tenant_id
    response = await api.post("/v1/kernel/cycles", json=cycle, headers=keys.headers("admin"))
    assert response.status_code == 200, response.text
    return experiment, world.tenant_id


async def test_the_admin_reads_caps_and_signals_and_records_an_evaluation(api: httpx.AsyncClient, keys: Any,
                                                                         engine: AsyncEngine, worker: Any,
                                                                         tab: Any) -> None:
    experiment, _ = await seed_capital(api, keys, engine)
    async with worker(spine_bundle, capital_bundle):
        admin = await tab("admin")
        await admin.sign_in(keys["admin"])
        visited = await admin.click_through()
        assert {"/ui/admin", "/ui/admin/kernel", "/ui/admin/weekly", "/ui/operator", "/ui/founder"} <= set(visited)
        await admin.visit("/ui/admin", "capital")
        assert await admin.page.locator("svg.cap rect.cap-warn80").count() == 1  # $4,300 of $5,000: past 80%
        await admin.page.click("tr[data-test=experiment] a >> nth=0")
        await admin.page.wait_for_load_state()
        assert await admin.page.locator("[data-test=signals] svg.chart rect.series-0").count() >= 1
        form = admin.page.locator("form[data-test=evaluation-form]")
        await form.locator("select[name=verdict]").select_option("continue")
        await form.locator("input[name=recommended_next_action]").fill("run one more tranche")
        await form.locator("button[type=submit]").click()
        await admin.page.wait_for_url(re.compile(r"notice="))
        assert "evaluation recorded: continue" in await admin.page.inner_text("[data-test=notice]")
        assert "run one more tranche" in await admin.page.inner_text("[data-test=evaluations]")
        await admin.page.click("button[data-test=trigger-evaluation]")
        await admin.page.wait_for_url(re.compile(r"notice=evaluation%20requested|notice=evaluation requested"))
        assert "evaluation requested" in await admin.page.inner_text("[data-test=notice]")
        await admin.shot("experiment")
        await admin.visit("/ui/admin/kernel", "kernel")
        await admin.page.click("table[data-test=cycles] a >> nth=0")
        await admin.page.wait_for_load_state()
        assert await admin.page.locator("[data-test=actions] tbody tr").count() >= 1
        await admin.shot("kernel-cycle")
    async with engine.connect() as conn:
        alerts = (await conn.execute(text("SELECT kind FROM capital_alerts WHERE experiment_id = :e"),
                                     {"e": uuid.UUID(experiment)})).scalars().all()
    assert "evaluation_requested" in alerts

"""Governed change of a tenant's voice settings, end to end over the real system: the API, Postgres, Temporal,
the governance and onboarding workers, the voice worker (piper speaks, pocketsphinx hears) and a local SMTP relay.

A change goes through TenantOnboardingWorkflow (a derived version, smoke-tested by spoken calls, activated). A good
change goes live. A change that passes the compiler and the smoke calls but breaks the live calls (an escalation
number that routes nowhere: every caller who asks for a person is dropped back) makes health FAIL on the calls'
own events, the audit FAIL, and the rollback re-activates the version before it, opens an incident and e-mails the
founder through the notification channels.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capabilities import VOICE_TENANT_SETTINGS
from infra.db import tenant_configs
from infra.settings import Settings
from tests.helpers.governance import approve, contract, drafted, events, file_issue, reaches, register, verdict
from tests.helpers.net import free_port
from tests.helpers.onboarding import NUMBER, OPTIONAL_CAPTURES, create_tenant, document, upload
from tests.helpers.polling import until
from tests.helpers.smtp import PASSWORD, USER, Mailbox, start_smtp
from tests.helpers.voice_worker import FAST, RunningVoice, VoiceFactory, stored_events
from voice_runtime.testing.sim_caller import Hangup, Pause, Say, WaitForAgent
from voice_runtime.transfer import LocalTransfer
from voice_runtime.tts.base import TextToSpeech
from workers.governance_worker import governance_bundle
from workers.onboarding import onboarding_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.e2e]
TUNING = {**FAST, "voice_end_of_turn_silence_ms": 500}
ASK = "can I speak to a real person please"
OFFICE = "+61298765001"  # the tenant's front desk: answers
NOWHERE = "+61298765009"  # a valid number that is not in service: the carrier cannot connect a call to it
FOUNDER = "founder@harbour.example"
LIVE_CALLS = 2  # voice health compares rates from this many live calls in each window (the min-calls setting)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The onboarding tests' settings, with governance's signing key, short waits and a founder to e-mail."""
    return settings.model_copy(update={
        "governance_approval_secret": SecretStr(secrets.token_hex(32)), "contract_draft_ttl_seconds": 900,
        "governance_activation_delay_seconds": 0.3, "governance_activation_window_seconds": 900,
        "governance_observation_window_seconds": 5.0, "governance_founder_notify": FOUNDER,
        "governance_voice_min_calls": LIVE_CALLS})


@pytest.fixture
def smtp(settings: Settings, tmp_path: Path) -> Any:
    """A real SMTP relay (aiosmtpd: STARTTLS, then a login) the deployment sends its e-mail through."""
    port = free_port()
    controller, mailbox, ca = start_smtp(tmp_path, port)
    settings.smtp_host, settings.smtp_port, settings.smtp_ca_file = "127.0.0.1", port, str(ca)
    settings.smtp_username, settings.smtp_password = USER, SecretStr(PASSWORD)
    yield mailbox
    controller.stop()


async def live_tenant(api: httpx.AsyncClient, keys: Any, engine: AsyncEngine) -> str:
    """A tenant whose version 1 (escalation to the front desk) serves NUMBER; version 1's own onboarding is not
    what these tests are about, so its smoke verdict is recorded rather than spoken."""
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    bound = await api.post(f"/v1/tenants/{tenant}/phone-numbers", json={"number": NUMBER, "transfer_to": OFFICE},
                           headers=ops)
    assert bound.status_code == 201, bound.text
    await upload(api, ops, tenant, document(objectives=OPTIONAL_CAPTURES,
                                            escalation={"transfer_to": OFFICE, "after_hours": "transfer"}))
    async with engine.begin() as conn:
        await tenant_configs.record_smoke(conn, UUID(tenant), 1, passed=True, workflow_id="setup", detail={},
                                          now=datetime.now(UTC))
    assert (await api.post(f"/v1/tenants/{tenant}/configs/1/activate", headers=ops)).status_code == 200
    await register(api, keys, VOICE_TENANT_SETTINGS)
    return tenant


def settings_change(tenant: str, key: str, value: Any) -> dict[str, Any]:
    return {"title": "Change the phone line's settings", "description": "the office asked for it",
            "requested_changes": [{"capability": VOICE_TENANT_SETTINGS, "target": tenant, "key": key,
                                   "value": value}]}


async def ask_for_a_person(voice: RunningVoice, caller_voice: TextToSpeech, count: int) -> list[str]:
    """`count` callers at once, each asking for a person as soon as the agent has greeted them."""
    callers = [await voice.place_call(caller_voice, caller=f"+6140000{i:04d}") for i in range(count)]
    await asyncio.gather(*(c.run([WaitForAgent(), Say(ASK), WaitForAgent(quiet=1.0), Pause(1.0), Hangup()],
                                 max_seconds=60) for c in callers))
    return [c.call_sid for c in callers]


async def transfers(engine: AsyncEngine, call_sids: list[str]) -> list[tuple[str, str]]:
    """Each call's transfer outcome: (event, number)."""
    found = []
    for sid in call_sids:
        for e in await stored_events(engine, sid):
            if e.type in ("transfer.completed", "transfer.failed"):
                found.append((e.type, str(e.payload["to"])))
    return found


async def job_finished(api: httpx.AsyncClient, keys: Any, cid: str) -> dict[str, Any]:
    async def read() -> dict[str, Any] | None:
        body = await contract(api, keys, cid)
        return body if events(body, "job.finished") else None
    return dict(await until(read, timeout=600, every=1.0))


async def active_version(api: httpx.AsyncClient, keys: Any, tenant: str) -> int:
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=keys.headers("operator"))).json()
    return int(listed["active_version"])


async def test_a_settings_change_that_breaks_live_calls_fails_health_and_is_rolled_back(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, worker: Any,
    voice_worker: VoiceFactory, piper: Any, pocketsphinx: Any, caller_voice: Any, smtp: Mailbox
) -> None:
    settings.governance_observation_window_seconds = 60.0  # long enough for the live calls after the change
    tenant = await live_tenant(api, keys, engine)
    carrier = LocalTransfer(unreachable={NOWHERE})
    async with worker(governance_bundle, onboarding_bundle), \
            voice_worker(pocketsphinx, piper, transfer=carrier, **TUNING) as voice:
        before = await ask_for_a_person(voice, caller_voice, LIVE_CALLS)
        filed = await file_issue(api, keys, settings_change(tenant, "transfer_to", NOWHERE))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        job = await job_finished(api, keys, cid)
        assert events(job, "job.finished")[0]["payload"]["status"] == "COMPLETED", job["timeline"]
        assert await active_version(api, keys, tenant) == 2  # smoke calls passed: the change is live
        after = await ask_for_a_person(voice, caller_voice, LIVE_CALLS)
        done = await reaches(api, keys, cid, "FAILED", timeout=300)
        next_call = await ask_for_a_person(voice, caller_voice, 1)
    assert await transfers(engine, before) == [("transfer.completed", OFFICE)] * LIVE_CALLS
    assert await transfers(engine, after) == [("transfer.failed", NOWHERE)] * LIVE_CALLS
    (signal,) = events(done, "health.evaluated")[0]["payload"]["signals"]
    assert signal["status"] == "UNHEALTHY" and signal["capability"] == VOICE_TENANT_SETTINGS
    assert any(v.startswith("transfers_failed rose from 0% to 100%") for v in signal["violations"]), signal
    assert signal["evidence"]["after"]["figures"]["version"] == 2
    assert signal["evidence"]["after"]["figures"]["live_calls"] == LIVE_CALLS
    assert verdict(done)["verdict"] == "FAIL"
    assert await active_version(api, keys, tenant) == 1
    async with engine.connect() as conn:
        history = await tenant_configs.activations(conn, UUID(tenant))
        incident = (await conn.execute(text("SELECT details FROM incidents WHERE contract_id = :c"),
                                       {"c": cid})).scalar_one()
    assert [(h["version"], h["reason"]) for h in history][-2:] == [(2, "onboarding"), (1, "rollback")]
    assert incident["restored_prior_state"] is True
    assert await transfers(engine, next_call) == [("transfer.completed", OFFICE)]  # callers reach the office again
    mails = [m for m in smtp.messages if m["To"] == FOUNDER]
    subjects = [" ".join(str(m["Subject"]).split()) for m in mails]  # a long subject is folded over lines
    assert any("rolled back" in s for s in subjects), subjects
    assert any("waits for your decision" in s for s in subjects), subjects


async def test_a_good_settings_change_goes_live_through_onboarding(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, worker: Any,
    voice_worker: VoiceFactory, piper: Any, pocketsphinx: Any, caller_voice: Any
) -> None:
    tenant = await live_tenant(api, keys, engine)
    async with worker(governance_bundle, onboarding_bundle), voice_worker(pocketsphinx, piper, **TUNING) as voice:
        filed = await file_issue(api, keys, settings_change(tenant, "holidays", ["2026-12-25", "2026-12-26"]))
        cid = await drafted(api, keys, filed["id"])
        await approve(api, keys, cid)
        done = await reaches(api, keys, cid, "COMPLETED", timeout=600)
        (call,) = await ask_for_a_person(voice, caller_voice, 1)
    assert verdict(done)["verdict"] == "PASS"
    (signal,) = events(done, "health.evaluated")[0]["payload"]["signals"]
    assert signal["status"] == "HEALTHY" and signal["evidence"]["after"]["figures"]["smoke"]["passed"]
    assert signal["evidence"]["after"]["figures"]["smoke"]["calls"] == 2  # the graph's two paths, open and closed
    listed = (await api.get(f"/v1/tenants/{tenant}/configs/2", headers=keys.headers("operator"))).json()
    assert listed["active"] and listed["smoke_passed"] and listed["derived_from"] == 1
    assert listed["document"]["business"]["holidays"] == ["2026-12-25", "2026-12-26"]
    assert listed["created_by"].startswith("governance:")
    started = (await stored_events(engine, call))[0].payload
    assert started["config_version"] == 2 and not started.get("smoke")
    async with engine.connect() as conn:
        runs = (await conn.execute(text("SELECT count(*) FROM events WHERE type = 'config.version_pinned' "
                                        "AND stream = :s"), {"s": f"tenant:{tenant}"})).scalar_one()
    assert runs == 1  # one onboarding run, however the step was retried

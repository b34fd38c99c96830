"""The stress gate end to end: real Postgres, Temporal and voice worker (whisper hears, piper speaks), persona calls
over the Twilio protocol. The onboarding workflow refuses activation when a persona fails and says which one, what
went wrong and where the call's events are; `revos stress` runs the personas on demand with the same verdicts.

One workflow and one on-demand run share the voice worker (the suite's budget: two smoke calls, four persona calls).
"""

from __future__ import annotations

import io
import json
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import stream_name
from infra.db.event_store import EventStore
from infra.settings import Settings
from tests.helpers.onboarding import ESCALATION, create_tenant, document, follow, stages, upload
from tests.helpers.voice_worker import FAST, VoiceFactory, stored_events
from voice_runtime.transfer import LocalTransfer
from workers.onboarding import onboarding_bundle
from workers.stress_cli import StressArgs, run_stress, show

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.e2e]
# Whisper hears these calls: the deployment's end-of-turn window and final timeout (FAST's 800 ms suits the scripted
# STT; a Whisper decode on a loaded CI machine outlasts it, and the turn would end on its partial).
TUNING = {**FAST, "voice_end_of_turn_silence_ms": 500, "voice_stt_final_timeout_ms": 2500}
# A number, optional, then the end: every smoke path passes whoever answers; a request for a person is put
# through in hours (to a number that cannot be reached here) and promised a call back after them.
PHONE_ONLY = document(objectives=[{"id": "phone", "type": "capture_phone", "required": False},
                                  {"id": "wrap_up", "type": "end"}],
                      escalation={"transfer_to": ESCALATION, "after_hours": "call_back"})


def _stage(progress: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in progress["stages"] if s["stage"] == name)


async def test_a_failing_persona_refuses_activation_and_revos_stress_reruns_personas(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, worker: Any,
    voice_worker: VoiceFactory, piper: Any, whisper: Any
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, PHONE_ONLY)
    unreachable = LocalTransfer(unreachable={ESCALATION})
    async with worker(onboarding_bundle), voice_worker(whisper, piper, smoke_transfer=unreachable, **TUNING):
        started = await api.post(f"/v1/tenants/{tenant}/onboarding", json={"version": 1}, headers=ops)
        progress = await follow(api, ops, started.json()["workflow_id"], timeout=600)
        on_demand = await run_stress(engine, settings, StressArgs(tenants=[UUID(tenant)], version=1,
                                                                  personas="dtmf_only"))

    stress = _stage(progress, "stress")["detail"]
    assert progress["status"] == "failed", json.dumps(stress, indent=1)
    assert stages(progress) == {"validate": "passed", "compile": "passed", "pin": "passed", "bind": "passed",
                                "smoke": "passed", "stress": "failed", "activate": "skipped"}
    assert progress["failure"].startswith("1 of 2 stress calls failed (asks_for_person); first: asks_for_person (open")
    assert [(p["name"], p["ok"], p["calls"], p["passed"]) for p in stress["personas"]] == [
        ("asks_for_person", False, 2, 1)]  # in hours it fails; after hours it is promised a call back, and passes
    failure = stress["failures"][0]
    assert failure["persona"] == "asks_for_person" and failure["business_open"] and failure["attempts"] == 2
    assert f"the transfer to {ESCALATION} failed" in failure["problems"], failure
    assert any(line.startswith("transfer.failed") for line in failure["transcript"]), failure["transcript"]
    events = await stored_events(engine, failure["call_sid"])
    assert events[0].payload["smoke"] and events[0].payload["config_version"] == 1  # the platform's call
    listed = (await api.get(f"/v1/tenants/{tenant}/configs", headers=ops)).json()
    assert listed["active_version"] is None and not listed["versions"][0]["smoke_passed"]  # no rollback to it
    facts = [e for e in await EventStore(engine).read(stream_name("tenant", tenant))
             if e.type == "config.stress_tested"]
    assert [(f.payload["version"], f.payload["passed"]) for f in facts] == [(1, False)]
    assert facts[0].payload["failures"][0]["stream"] == failure["stream"]

    [(target, report, wall)] = on_demand
    assert target.version == 1 and wall > 0
    assert report.passed, [v.problems for v in report.calls]
    assert [(f.name, f.calls) for f in report.personas] == [("dtmf_only", 1)]
    assert report.personas[0].values == report.personas[0].exact == 1  # the number from its keys, exactly
    out = io.StringIO()
    assert show(on_demand, StressArgs(tenants=[], as_json=True), out) == 0
    assert json.loads(out.getvalue())[0]["passed"] is True

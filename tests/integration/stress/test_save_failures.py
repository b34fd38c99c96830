"""A failed stress call becomes a replay fixture (`revos stress --save-failures DIR`): one persona call through the
real voice worker (whisper hears, piper speaks) that fails its expectations honestly (it asks for a person in
business hours, and the transfer number cannot be reached), saved by `revos replay --save`'s own code; the fixture
replays from its events identical to what the call did, and its caller audio heard again (Whisper's own session
with the words the call heard, as tests/integration/replay/test_fixture_audio.py hears every fixture) gives the same
turns and decisions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.smoke_calls import SmokeDialer
from activities.stress_calls import CallerVoices, StressDialer
from domain.replay.fixtures import check_fixture
from domain.stress import Persona
from domain.stress.messages import PersonaCall
from infra.db.voice_numbers import bind_number
from infra.settings import Settings
from tests.helpers.call_fixtures import caller_audio, load_fixture, recorded_engine
from tests.helpers.onboarding import ESCALATION, NUMBER, create_tenant, upload
from tests.helpers.voice_worker import VoiceFactory
from tests.integration.stress.test_gate import PHONE_ONLY, TUNING
from voice_runtime.context import VoiceConfig
from voice_runtime.transfer import LocalTransfer
from workers.replay_audio import hear_again
from workers.stress import Target, load_target, run_calls
from workers.stress_fixtures import saver

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.e2e]


async def test_a_failed_persona_call_is_saved_as_a_fixture_that_replays_identical(
    api: httpx.AsyncClient, keys: Any, engine: AsyncEngine, settings: Settings, voice_worker: VoiceFactory,
    piper: Any, whisper: Any, tmp_path: Path
) -> None:
    ops = keys.headers("operator")
    tenant = await create_tenant(api, ops)
    await upload(api, ops, tenant, PHONE_ONLY)
    s = settings.model_copy(update={**TUNING, "data_dir": tmp_path / "data"})
    target = await _bound(engine, tenant)
    keep, written = saver(engine, s, tmp_path / "failures", "the test tenant", failures_only=True)
    dialer = StressDialer(engine, SmokeDialer(engine, s), CallerVoices(piper))
    async with voice_worker(whisper, piper, smoke_transfer=LocalTransfer(unreachable={ESCALATION}),
                            data_dir=s.data_dir, **TUNING):
        [verdict] = await run_calls(dialer, target, [PersonaCall(persona=Persona.ASKS_FOR_PERSON, business_open=True,
                                                                 seed=0)],
                                    concurrency=1, max_seconds=120, retry=False, on_record=keep)

    assert f"the transfer to {ESCALATION} failed" in verdict.problems, verdict.problems
    path = tmp_path / "failures" / "asks_for_person_open_seed0.json"
    assert written == [path, path.with_suffix(".wav")]
    fixture = load_fixture(path)
    assert fixture.call_sid == verdict.call_sid and fixture.recorded_was_right
    assert "asks_for_person" in fixture.description and f"the transfer to {ESCALATION} failed" in fixture.description
    report, problems = check_fixture(fixture)
    assert report.identical and not problems, "\n".join(problems)
    assert fixture.expected.transfers == [ESCALATION]  # what the call did: it tried to put the caller through
    stt, _ = recorded_engine(fixture)  # whisper's session on the recorded words, as the fixture test hears it
    try:
        heard = await hear_again(fixture.events, fixture.graph.graph(), caller_audio(path, fixture), stt,
                                 VoiceConfig.from_settings(s))
    finally:
        getattr(stt, "close", lambda: None)()
    assert [t.heard for t in heard.turns] == fixture.expected_transcripts, heard.turns
    assert heard.identical, json.dumps(heard.model_dump(mode="json")["divergence"])


async def _bound(engine: AsyncEngine, tenant: str) -> Target:
    """The uploaded version's number bound to the tenant (what onboarding's bind stage leaves), and its target."""
    async with engine.begin() as conn:
        await bind_number(conn, UUID(tenant), NUMBER, datetime.now(UTC), ESCALATION)
    return await load_target(engine, UUID(tenant), 1)

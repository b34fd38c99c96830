"""`revos onboard FILE`: against the running API, a refused file exits 1 with every error; a good one creates the
tenant, onboards it with its smoke calls, shows the stages and exits 0 once active.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from infra.settings import Settings
from tests.helpers.net import free_port
from tests.helpers.onboarding import OPTIONAL_CAPTURES, document
from tests.helpers.voice_worker import FAST, VoiceFactory
from workers.onboard_cli import OnboardClient
from workers.onboarding import onboarding_bundle

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
async def api_url(settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment) -> AsyncIterator[str]:
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default",
                                                                         client=temporal_env.client))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await asyncio.gather(serving, return_exceptions=True)


async def test_a_refused_file_exits_1_with_every_error_and_creates_nothing(
    api_url: str, keys, tmp_path: Path, engine: AsyncEngine
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("business:\n  name: Acme\n  timezone: Mars/Olympus\nnumbers: [12]\nobjectives: []\n")
    out = io.StringIO()
    code = await asyncio.to_thread(OnboardClient(api_url, keys["operator"], out).onboard, path, None)
    text = out.getvalue()
    assert code == 1 and "the configuration is refused" in text
    assert "$.business.timezone: invalid_timezone" in text and "$.numbers[0]" in text and "$.objectives" in text
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("SELECT count(*) FROM tenants")).scalar_one() == 0


async def test_a_good_file_is_onboarded_and_active(
    api_url: str, keys, tmp_path: Path, worker, voice_worker: VoiceFactory, piper, pocketsphinx
) -> None:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(document(objectives=OPTIONAL_CAPTURES)))
    out = io.StringIO()
    async with worker(onboarding_bundle), voice_worker(pocketsphinx, piper, **FAST):
        code = await asyncio.to_thread(OnboardClient(api_url, keys["operator"], out).onboard, path, None)
    text = out.getvalue()
    assert code == 0, text
    assert "✓ smoke" in text and "✓ activate" in text and "[####################] 7/7 stages" in text
    assert "- stress" in text  # no personas in these tests (tests/integration/stress has them)
    assert "active: version 1 answers +61298765432" in text
    again = io.StringIO()
    tenant = text.split("tenant ", 1)[1].split(" ", 1)[0]
    assert await asyncio.to_thread(OnboardClient(api_url, keys["operator"], again).onboard, path, tenant) == 0
    assert "is active already" in again.getvalue()

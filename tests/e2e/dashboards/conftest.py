"""Browser fixtures: the app served over real HTTP by uvicorn (in the test's event loop), Chromium driving it."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.state import TemporalProvider
from infra.secrets_box import new_key
from infra.settings import Settings
from tests.helpers.browser import ARGS, chromium_or_reason
from tests.integration.onboarding.conftest import piper, pocketsphinx, voice_port, voice_worker

__all__ = ["piper", "pocketsphinx", "voice_port", "voice_worker"]  # the onboarding tests' live voice worker


@pytest.fixture
def settings(db_url: str, task_queue: str, voice_port: int, tmp_path: Path) -> Settings:
    """Fast governance steps; the smoke stage dials this test's voice worker (no stress gate: it has its own tests);
    deliveries retry fast and park soon."""
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", data_dir=tmp_path / "data",
                    contract_draft_ttl_seconds=3600, onboarding_stress_personas="none",
                    governance_approval_secret=SecretStr(secrets.token_hex(32)),
                    governance_activation_delay_seconds=0.3, governance_activation_window_seconds=120,
                    governance_step_interval_seconds=0, governance_observation_window_seconds=0.3,
                    voice_health_url="http://127.0.0.1:9/healthz",
                    voice_stream_secret=SecretStr("tests-stream-secret"), secrets_key=SecretStr(new_key()),
                    webhook_allow_private_hosts=True, voice_port=voice_port,
                    onboarding_voice_url=f"http://127.0.0.1:{voice_port}", onboarding_smoke_concurrency=2,
                    delivery_initial_backoff_seconds=0.2, delivery_backoff_max_seconds=0.5, delivery_max_attempts=3,
                    delivery_max_age_seconds=60, webhook_timeout_seconds=2.0)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every page's screenshot goes: $REVOS_SCREENSHOTS, else the run's basetemp/screenshots."""
    folder = Path(os.environ.get("REVOS_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def base_url(settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment
                   ) -> AsyncIterator[str]:
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default",
                                                                       client=temporal_env.client))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    path, reason = chromium_or_reason()
    if path is None:
        pytest.skip(f"BROWSER TESTS SKIPPED, LOUDLY: {reason}")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(path), args=ARGS)
        yield chromium
        await chromium.close()

"""Fault-suite fixtures: shrunk capital days, the real worker process, and a world to act on.

A new case (onboarding, integration delivery) is one test: start the workflow through the API, kill the
process with `workers.kill()` at a point inside it, `workers.start()` again, and assert each step once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from temporalio.client import Client

from infra.secrets_box import new_key
from infra.settings import Settings
from tests.helpers.capital import World, make_world
from tests.helpers.worker_process import WorkerProcess, worker_process


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings (its own secrets: a clean checkout has no key files) with one capital time-cap "day"
    of one second, so a governor's timers fire in test time, and a secrets key for tenant secrets."""
    return settings.model_copy(update={"capital_day_seconds": 1.0, "capital_update_timeout_seconds": 30,
                                       "kernel_manual_wait_seconds": 60, "secrets_key": SecretStr(new_key())})


@pytest.fixture
def workers(settings: Settings, temporal_client: Client, tmp_path: Any) -> Iterator[WorkerProcess]:
    """`revos worker` as a process on this test's queues (logs in the test's tmp folder)."""
    with worker_process(settings, temporal_client.service_client.config.target_host,
                        log=tmp_path / "worker.log") as process:
        yield process


@pytest.fixture
async def world(api: httpx.AsyncClient, keys: Any) -> World:
    return await make_world(api, keys)

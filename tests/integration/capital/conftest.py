"""Capital fixtures: shrunk time-cap days, the capital worker, and a seeded tenant/product/campaign/team."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from infra.settings import Settings
from tests.helpers.capital import World, make_world
from workers.capital import capital_bundle


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    """One time-cap "day" is one second here, so the governor's timers run in test time."""
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", capital_day_seconds=1.0,
                    capital_update_timeout_seconds=20)


@pytest.fixture
async def capital_worker(worker: Callable[..., AbstractAsyncContextManager[None]]) -> AsyncIterator[None]:
    async with worker(capital_bundle):
        yield


@pytest.fixture
async def world(api: httpx.AsyncClient, keys: Any) -> World:
    return await make_world(api, keys)

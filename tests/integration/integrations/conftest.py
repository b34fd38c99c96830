"""Fixtures: settings with a secrets key, private hosts allowed (the receivers run on loopback) and fast retries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenants import Tenant
from infra.db.tenants import create_tenant
from infra.secrets_box import new_key
from infra.settings import Settings


@pytest.fixture
def settings(db_url: str, task_queue: str) -> Settings:
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", secrets_key=SecretStr(new_key()),
                    webhook_allow_private_hosts=True, delivery_initial_backoff_seconds=0.2,
                    delivery_backoff_max_seconds=0.5, delivery_max_attempts=3, delivery_max_age_seconds=60,
                    webhook_timeout_seconds=2.0, voice_stream_secret=SecretStr("tests-stream-secret"))


@pytest.fixture
async def tenant(engine: AsyncEngine) -> Tenant:
    tenant = Tenant(id=uuid.uuid4(), name="Harbour Plumbing")
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, datetime.now(UTC))
    return tenant

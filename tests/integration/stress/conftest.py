"""The stress tests' fixtures: the onboarding tests' live voice worker and engines, settings with a small stress
gate, whisper (the worker's STT here: the personas speak names, numbers and requests for a person as people do, so
the worker must hear them as a deployment would), and a tenant whose example configuration is stored and whose
number routes to it (what onboarding leaves behind, minus activation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.objectives import compile_config
from domain.objectives.integrations import Webhook
from infra.db.voice_numbers import bind_number
from infra.secrets_box import new_key
from infra.settings import Settings
from tests.helpers.onboarding import EXAMPLES, create_tenant
from tests.integration.onboarding.conftest import (  # noqa: F401  (fixtures)
    caller_voice,
    piper,
    pocketsphinx,
    voice_port,
    voice_worker,
)

Prepared = Callable[[str], Awaitable[tuple[UUID, int]]]
GATE_PERSONAS = "asks_for_person"


@pytest.fixture
def settings(db_url: str, task_queue: str, voice_port: int) -> Settings:  # noqa: F811
    """The onboarding tests' settings, with the stress gate on for one persona (open and closed), its calls at once."""
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", webhook_allow_private_hosts=True,
                    voice_stream_secret=SecretStr("tests-stream-secret"), secrets_key=SecretStr(new_key()),
                    voice_port=voice_port, onboarding_voice_url=f"http://127.0.0.1:{voice_port}",
                    onboarding_smoke_concurrency=2, onboarding_stress_personas=GATE_PERSONAS,
                    onboarding_stress_concurrency=3)


@pytest.fixture(scope="session")
def whisper() -> Iterator[Any]:
    """Whisper tiny.en as a deployment configures it, loaded once for the session."""
    from voice_runtime.stt.whisper_stt import whisper_stt_from_settings

    stt = whisper_stt_from_settings(Settings())
    asyncio.run(stt.warm_up())
    yield stt
    stt.close()


@pytest.fixture
def example_tenant(api: httpx.AsyncClient, keys, engine: AsyncEngine) -> Prepared:
    """`await example_tenant("harbour-plumbing.yaml")`: (tenant, version) with the example stored and its numbers
    bound to the tenant, as the onboarding workflow's bind stage leaves them."""

    async def make(name: str) -> tuple[UUID, int]:
        ops = keys.headers("operator")
        text = (EXAMPLES / name).read_text()
        compiled = compile_config(text, "json" if name.endswith(".json") else "yaml")
        assert compiled.config.business is not None
        tenant = await create_tenant(api, ops, compiled.config.business.name)
        for integration in compiled.config.integrations:  # the secrets its integrations name, as an operator stores
            if isinstance(integration, Webhook):
                stored = await api.put(f"/v1/tenants/{tenant}/secrets/{integration.secret}",
                                       json={"value": "a-stress-test-signing-secret"}, headers=ops)
                assert stored.status_code == 200, stored.text
        kind = "json" if name.endswith(".json") else "yaml"
        response = await api.post(f"/v1/tenants/{tenant}/configs", content=text.encode(),
                                  headers={**ops, "content-type": f"application/{kind}"})
        assert response.status_code == 201, response.text
        stored = response.json()
        async with engine.begin() as conn:
            for number in compiled.config.numbers:
                await bind_number(conn, UUID(tenant), number, datetime.now(UTC),
                                  compiled.config.escalation.transfer_to)
        return UUID(tenant), int(stored["version"])

    return make

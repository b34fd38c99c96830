"""Postgres restarts while dialer calls stream in: nothing is half written, clients are told to come back
(503 with Retry-After), and their retries land once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.app import create_app
from api.state import TemporalProvider
from domain.auth import Role
from infra.db import embedded
from infra.db.engine import make_engine
from infra.db.migrate import upgrade
from infra.db.principals import create_principal
from infra.settings import Settings
from tests.helpers.capital import make_world
from tests.helpers.postgres import admin_execute

pytestmark = [pytest.mark.integration, pytest.mark.slow]
BATCHES, PER_BATCH, SENDERS = 60, 50, 4


class Keys(dict[str, str]):
    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self[role]}"}


def _batch(lead: str, login: str, at: datetime) -> list[dict[str, Any]]:
    return [{"lead_id": lead, "login_id": login, "started_at": at.isoformat(), "duration_s": 30 * (i % 8),
             "outcome": "Callback", "twilio_call_sid": f"CA{uuid.uuid4().hex}"} for i in range(PER_BATCH)]


async def _send(api: httpx.AsyncClient, headers: dict[str, str], batch: list[dict[str, Any]],
                seen: list[tuple[int, str | None]]) -> int:
    """Send until accepted, as a well-behaved client: retry a 503 after its Retry-After."""
    for _ in range(200):
        try:
            r = await api.post("/v1/dialer/calls", json={"calls": batch}, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.2)
            continue
        seen.append((r.status_code, r.headers.get("retry-after")))
        if r.status_code == 201:
            return int(r.json()["inserted"])
        assert r.status_code == 503, r.text
        await asyncio.sleep(min(float(r.headers["retry-after"]), 1.0))
    raise AssertionError("never accepted")


async def test_postgres_restart_during_dialer_ingestion(tmp_path: Path, temporal_env, task_queue: str) -> None:
    server = embedded.start(tmp_path / "pg")
    await admin_execute(server, 'CREATE DATABASE "faults"')
    url = server.database_url("faults")
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url, pool_size=5)
    settings = Settings(database_url=url, task_queue_suffix=f"-{task_queue}")
    app = create_app(settings, engine=engine, temporal=TemporalProvider("unused", "default",
                                                                        client=temporal_env.client))
    keys = Keys()
    async with engine.begin() as conn:
        for role in (Role.ADMIN, Role.SERVICE):
            keys[role.value] = (await create_principal(conn, name=role.value, role=role))[1]
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=30) as api:
            world = await make_world(api, keys)
            lead = await world.lead()
            at = datetime.now(UTC) - timedelta(minutes=5)
            batches = [_batch(lead, world.login_id, at) for _ in range(BATCHES)]
            seen: list[tuple[int, str | None]] = []
            queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
            for b in batches:
                queue.put_nowait(b)
            inserted: list[int] = []

            async def sender() -> None:
                while not queue.empty():
                    inserted.append(await _send(api, keys.headers("service"), queue.get_nowait(), seen))

            async def restart() -> None:
                while len(inserted) < BATCHES // 4:
                    await asyncio.sleep(0.02)
                await asyncio.to_thread(server.stop)
                await asyncio.sleep(1.0)
                await asyncio.to_thread(server.start_again)

            await asyncio.gather(restart(), *(sender() for _ in range(SENDERS)))
            resent = await _send(api, keys.headers("service"), batches[0], seen)  # a client's late retry
        async with engine.connect() as conn:
            calls = (await conn.execute(text("SELECT count(*) FROM dialer_calls"))).scalar()
            orphans = (await conn.execute(text(
                "SELECT count(*) FROM dialer_calls c WHERE NOT EXISTS (SELECT 1 FROM canonical_events e "
                "WHERE e.call_id = c.id AND e.type = 'dial_attempt')"))).scalar()
            events = (await conn.execute(text("SELECT count(*) FROM canonical_events"))).scalar()
    finally:
        await engine.dispose()
        server.stop()
    refused = [s for s in seen if s[0] == 503]
    assert refused and all(s[1] == "1" for s in refused), seen[:20]  # the restart was seen, and said when
    assert sum(inserted) == BATCHES * PER_BATCH == calls and resent == 0  # every call once
    assert orphans == 0  # no call without its derived events: nothing half written
    derived = sum(1 + (d > 10) for d in (30 * (i % 8) for i in range(PER_BATCH))) * BATCHES  # no QPC below 150 s..
    qpc = sum(30 * (i % 8) >= 150 for i in range(PER_BATCH)) * BATCHES  # ..except these
    assert events == derived + qpc

"""Replay against stored configuration versions: the pinned version's graph is rebuilt from its canonical
document and checked against the call's hash; another version answers the what-if (where the behaviour changes).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.call_replay import CallReplayer
from domain.errors import Conflict, NotFound
from domain.events import NewEvent, stream_name
from domain.objectives import compile_config
from domain.tenants import Tenant
from infra.db import event_store
from infra.db.replay_sources import PostgresReplaySources
from infra.db.tenants import create_tenant
from tests.helpers.config_versions import add_version
from tests.helpers.replay_calls import Answers, RecordedCall, Says

pytestmark = [pytest.mark.integration]
PLUMBER_TEXT = (Path(__file__).parents[3] / "examples/tenants/harbour-plumbing.yaml").read_text()
PLUMBER = compile_config(PLUMBER_TEXT).graph
# Version 2 lets optional objectives go unasked: the e-mail question is gone.
NO_OPTIONAL = PLUMBER_TEXT + "\noptional_objectives: off\n"


async def store_call(engine: AsyncEngine, tenant_id: uuid.UUID, version: int, config_hash: str) -> str:
    call = RecordedCall(PLUMBER, business_open=True, start=datetime(2026, 11, 24, 22, 0, tzinfo=UTC),
                        wall_step=lambda: timedelta(seconds=3), call_sid="CA" + uuid.uuid4().hex)
    await call.play([Answers(), Answers(), Says("I need a quote"), Answers(), Answers(), Answers(), Answers(),
                     Says("no thanks"), Answers(), Answers(), Answers(), Answers()])
    events = []
    for e in call.events:
        payload = dict(e.payload)
        if e.type == "call.started":
            payload.update(tenant_id=str(tenant_id), config_version=version, config_hash=config_hash)
        events.append(NewEvent(type=e.type, payload={**payload, "call_seq": e.seq}, occurred_at=e.occurred_at))
    async with engine.begin() as conn:
        await event_store.append(conn, stream_name("call", call.call_sid), events, tenant_id=tenant_id)
    return call.call_sid


@pytest.fixture
async def versions(engine: AsyncEngine) -> tuple[uuid.UUID, str]:
    tenant = Tenant(id=uuid.uuid4(), name="Harbour Plumbing")
    async with engine.begin() as conn:
        await create_tenant(conn, tenant, datetime.now(UTC))
        assert (await add_version(conn, tenant.id, PLUMBER_TEXT))[0] == 1
        assert (await add_version(conn, tenant.id, NO_OPTIONAL))[0] == 2
        first = PLUMBER.config_hash
    return tenant.id, first


async def test_the_pinned_version_replays_identical_and_another_shows_the_change(
    engine: AsyncEngine, versions: tuple[uuid.UUID, str]
) -> None:
    tenant_id, first = versions
    sid = await store_call(engine, tenant_id, 1, first)
    replayer = CallReplayer(PostgresReplaySources(engine))
    same = await replayer.replay(sid)
    assert same.identical and same.config_version == 1 and same.config_hash == first, same.divergence
    assert [o["objective"] for o in same.recorded.outcomes] == ["name", "service", "phone", "email", "visit"]
    other = await replayer.replay(sid, config_version=2)
    d = other.divergence
    assert other.verdict == "diverged" and d is not None and other.recorded_config_version == 1
    # Not the graph's hash (a version's identity always differs): the first thing the caller would live differently.
    assert (d.event, d.expected, d.actual) == (
        "objective.started", {"type": "objective.started", "payload": {"type": "capture_email", "objective": "email"}},
        {"type": "objective.skipped", "payload": {"objective": "email"}})
    assert "email" not in [o["objective"] for o in other.replayed.outcomes]
    with pytest.raises(NotFound):
        await replayer.replay(sid, config_version=9)


async def test_a_version_that_no_longer_compiles_to_the_recorded_hash_is_refused(
    engine: AsyncEngine, versions: tuple[uuid.UUID, str]
) -> None:
    tenant_id, _ = versions
    sid = await store_call(engine, tenant_id, 2, "0" * 64)
    with pytest.raises(Conflict) as refused:
        await CallReplayer(PostgresReplaySources(engine)).replay(sid)
    assert refused.value.code == "config_hash_mismatch"


async def test_the_replay_route_is_for_operators(
    engine: AsyncEngine, versions: tuple[uuid.UUID, str], api: httpx.AsyncClient, keys: Any
) -> None:
    tenant_id, first = versions
    sid = await store_call(engine, tenant_id, 1, first)
    body = (await api.get(f"/v1/calls/{sid}/replay", headers=keys.headers("operator"))).json()
    assert body["verdict"] == "identical" and body["config_version"] == 1
    what_if = await api.get(f"/v1/calls/{sid}/replay", params={"config_version": 2}, headers=keys.headers("admin"))
    assert what_if.json()["verdict"] == "diverged" and what_if.json()["config_version"] == 2
    assert (await api.get(f"/v1/calls/{sid}/replay", headers=keys.headers("founder"))).status_code == 403
    missing = await api.get("/v1/calls/CAnone/replay", headers=keys.headers("operator"))
    assert missing.status_code == 404 and missing.json()["code"] == "call_not_found"


def revos(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVOS_DATABASE_URL": database_url, "REVOS_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "workers.cli", *args], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).parents[3], timeout=120)


async def test_revos_replay_exits_zero_only_when_identical(
    engine: AsyncEngine, versions: tuple[uuid.UUID, str], db_url: str, tmp_path: Path
) -> None:
    tenant_id, first = versions
    sid = await store_call(engine, tenant_id, 1, first)
    same = await asyncio.to_thread(revos, "replay", sid, database_url=db_url, data_dir=tmp_path)
    assert same.returncode == 0 and "identical" in same.stdout, same.stderr
    what_if = await asyncio.to_thread(revos, "replay", sid, "--config-version", "2", "--json",
                                      database_url=db_url, data_dir=tmp_path)
    report = json.loads(what_if.stdout)["report"]
    assert what_if.returncode == 1 and report["verdict"] == "diverged" and report["config_version"] == 2
    missing = await asyncio.to_thread(revos, "replay", "CAnone", database_url=db_url, data_dir=tmp_path)
    assert missing.returncode == 2 and "call_not_found" in missing.stderr

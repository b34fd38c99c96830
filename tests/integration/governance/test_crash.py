"""The worker process is killed while a job is between steps; a new worker finishes the contract
with every step applied exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.integration.governance.conftest import (
    DIALER_STATE,
    capability_state,
    change_payload,
    drafted,
    file_issue,
    reaches,
    register,
    until,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]


def _spawn(settings, temporal_client) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REVOS_DATABASE_URL": settings.database_url,
           "REVOS_TEMPORAL_ADDRESS": temporal_client.service_client.config.target_host,
           "REVOS_TASK_QUEUE_SUFFIX": settings.task_queue_suffix}
    return subprocess.Popen([sys.executable, "-m", "workers.governance_worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def _applied(engine) -> list[int]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT s.seq FROM governance_job_steps s JOIN governance_jobs j ON j.id = s.job_id "
            "WHERE j.kind = 'execute' AND s.status = 'APPLIED' ORDER BY s.seq"))
        return [r[0] for r in rows]


async def test_worker_killed_between_steps_each_step_applied_once(api, keys, settings, engine,
                                                                 temporal_client) -> None:
    settings.governance_step_interval_seconds = 2.0
    await register(api, keys)
    payload = change_payload(150)
    payload["requested_changes"] += [{"capability": "dialer", "key": "region", "value": "nz"},
                                     {"capability": "dialer", "key": "enabled", "value": False}]
    first = _spawn(settings, temporal_client)
    second: subprocess.Popen[bytes] | None = None
    try:
        filed = await file_issue(api, keys, payload)
        cid = await drafted(api, keys, filed["id"])
        r = await api.post(f"/v1/contracts/{cid}/approve", json={}, headers=keys.headers("founder"))
        assert r.status_code == 200, r.text

        async def one_applied() -> bool:
            return await _applied(engine) == [1]
        await until(one_applied, timeout=20, every=0.02)
        first.send_signal(signal.SIGKILL)  # no graceful shutdown: the process just dies
        first.wait(timeout=10)
        assert await _applied(engine) == [1]
        await asyncio.sleep(2.5)  # the step timer fires while no worker is alive
        second = _spawn(settings, temporal_client)
        done = await reaches(api, keys, cid, "COMPLETED", timeout=60)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    assert await _applied(engine) == [1, 2, 3]
    cap = await capability_state(api, keys)
    assert cap["state"] == {**DIALER_STATE, "max_calls_per_hour": 150, "region": "nz", "enabled": False}
    assert cap["version"] == 3  # three steps, three writes: none applied twice
    events = await api.get("/v1/streams/capability:dialer/events", headers=keys.headers("admin"))
    changed = [e["payload"]["seq"] for e in events.json()["events"] if e["type"] == "capability.changed"]
    assert changed == [1, 2, 3]
    assert [e["type"] for e in done["timeline"]].count("job.started") == 1

"""Load run: everything at once, over loopback, bounded in time and count.

    python -m benchmarks.load [--seconds 120] [--founders 50] [--issues-per-s 200] [--calls 20]
                              [--dialer-per-s 5000] [--batch 500]

The system runs as it is deployed: `revos api` and `revos worker` as processes on an embedded
Postgres and a Temporal dev server, the voice worker as a process with ScriptedStt + PrerenderedTts
(benchmarks.voice_loop's `--serve`). This process is the load: founders filing and approving governed
changes, issue intake at a fixed rate, live calls (Twilio Media Streams, piper-rendered callers) and
dialer ingestion at a fixed rate. It prints the p95 of each figure and every error; the exit code is 1
when anything failed. Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import percentile
from benchmarks.voice_loop import LINES as CALL_LINES
from benchmarks.voice_loop import Worker as VoiceWorker
from benchmarks.voice_loop import conversation, render_lines
from tests.helpers.net import free_port


@dataclass
class Figure:
    """One stream's latencies (seconds), errors and count."""

    name: str
    unit: str = "request"
    samples: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    items: int = 0

    def ok(self, started: float, items: int = 1) -> None:
        self.samples.append(time.perf_counter() - started)
        self.items += items

    def line(self, seconds: float) -> str:
        ms = [s * 1000 for s in self.samples]
        p50, p95 = percentile(ms, 50), percentile(ms, 95)
        return (f"{self.name:<26} {self.items / seconds:8.1f} {self.unit}s/s  n={len(ms):<6} p50={p50:8.1f} ms  "
                f"p95={p95:8.1f} ms  errors={len(self.errors)}")


# --- the system under load (processes) ---------------------------------------------------------------


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def _ready(url: str, what: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(900):
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def system_env(db_url: str, temporal: str, api_port: int) -> dict[str, str]:
    return {**os.environ, "REVOS_DATABASE_URL": db_url, "REVOS_TEMPORAL_ADDRESS": temporal,
            "REVOS_API_PORT": str(api_port), "REVOS_CAPITAL_CREATE_SCHEDULES": "false",
            # approvals are measured; the activation window would only add idle timers
            "REVOS_GOVERNANCE_ACTIVATION_DELAY_SECONDS": "3600", "REVOS_LOG_LEVEL": "WARNING",
            # the keys `revos up` keeps in its data folder; this run's own
            "REVOS_GOVERNANCE_APPROVAL_SECRET": secrets.token_urlsafe(32),
            "REVOS_SECRETS_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}


async def make_keys(db_url: str, founders: int) -> tuple[dict[str, str], list[str]]:
    """An API key per role; and a tenant with a kernel policy per founder, the instance each one changes."""
    from domain.auth import Role
    from infra.db.engine import make_engine
    from infra.db.principals import create_principal
    from tests.helpers.governance import kernel_tenant

    engine = make_engine(db_url, pool_size=1)
    keys = {}
    async with engine.begin() as conn:
        for role in (Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE):
            keys[role.value] = (await create_principal(conn, name=f"load {role.value}", role=role))[1]
    tenants = [await kernel_tenant(engine, facts=False) for _ in range(founders)]
    await engine.dispose()
    return keys, tenants


# --- the load (this process) -------------------------------------------------------------------------


class Load:
    def __init__(self, api: httpx.AsyncClient, keys: dict[str, str], tenants: list[str], deadline: float) -> None:
        self.api, self.deadline, self.tenants = api, deadline, tenants
        self.h = {role: {"Authorization": f"Bearer {key}"} for role, key in keys.items()}
        self.approve = Figure("founder approve")
        self.draft = Figure("issue -> DRAFT (founders)")
        self.intake = Figure("issue intake", "issue")
        self.dialer = Figure("dialer ingestion", "call")
        self.calls = Figure("live call voice-to-voice", "reply")

    def live(self) -> bool:
        return time.perf_counter() < self.deadline

    async def post(self, figure: Figure, path: str, body: Any, role: str, expect: tuple[int, ...] = (200, 201)
                   ) -> dict[str, Any] | None:
        try:
            r = await self.api.post(path, json=body, headers=self.h[role])
        except Exception as error:  # noqa: BLE001 - every failure is a figure's error, none ends the run
            figure.errors.append(f"{path}: {type(error).__name__} {error}")
            return None
        if r.status_code not in expect:
            figure.errors.append(f"{path}: {r.status_code} {r.text[:200]}")
            return None
        return dict(r.json())

    async def setup(self) -> tuple[str, str, str]:
        """The kernel policy as a governed capability; a tenant, campaign, SDR login, lead, running experiment."""
        from domain.capabilities import KERNEL_POLICY

        boot = Figure("setup")
        await self.post(boot, "/v1/capabilities", {"name": KERNEL_POLICY}, "admin")
        tenant = await self.post(boot, "/v1/tenants", {"name": "Load Co"}, "admin")
        assert tenant, boot.errors
        product = await self.post(boot, "/v1/products", {"tenant_id": tenant["id"], "name": "Calculator"}, "admin")
        campaign = await self.post(boot, "/v1/campaigns", {
            "product_id": product and product["id"], "name": "Outbound", "owner_user_id": "o", "status": "active",
            "start_date": datetime.now(UTC).date().isoformat()}, "admin")
        assert campaign, boot.errors
        login = await self.post(boot, "/v1/team", {"campaign_id": campaign["id"], "email": "sdr@load.test",
                                                   "person_name": "Sam", "role": "sdr", "hourly_rate_usd": "30"},
                                "admin")
        lead = await self.post(boot, "/v1/leads", {"campaign_id": campaign["id"], "name": "Lead"}, "service")
        exp = await self.post(boot, "/v1/experiments", {
            "campaign_id": campaign["id"], "name": "Load", "hypothesis": "h", "capital_cap_usd": "100000000",
            "time_cap_days": "1000", "tranche_size_usd": "1000", "primary_success_event": "qpc"}, "admin")
        await self.post(boot, f"/v1/experiments/{exp and exp['id']}/start", None, "admin")
        assert login and lead and not boot.errors, boot.errors
        return str(lead["id"]), str(login["id"]), str(tenant["id"])

    async def founder(self, n: int) -> None:
        """File a change to its tenant's kernel policy, wait for its DRAFT, approve it; again until the deadline."""
        from tests.helpers.governance import change_payload

        i = 0
        while self.live():
            i += 1
            t0 = time.perf_counter()
            issue = await self.post(self.draft, "/v1/issues", {"source": "crm_feedback", "raw_payload": change_payload(
                self.tenants[n], value=1000 + i)}, "operator")
            contract = issue and await self.drafted(str(issue["id"]))
            if contract is None:
                continue
            self.draft.ok(t0)
            t1 = time.perf_counter()
            if await self.post(self.approve, f"/v1/contracts/{contract}/approve", {}, "founder"):
                self.approve.ok(t1)

    async def drafted(self, issue_id: str) -> str | None:
        while self.live():
            try:
                r = await self.api.get(f"/v1/issues/{issue_id}", headers=self.h["operator"])
            except Exception as error:  # noqa: BLE001
                self.draft.errors.append(f"GET issue: {type(error).__name__} {error}")
                return None
            body = r.json()
            if r.status_code != 200:
                self.draft.errors.append(f"GET issue: {r.status_code} {r.text[:200]}")
                return None
            if body["status"] == "CONTRACT_DRAFTED":
                return str(body["contract_id"])
            if body["status"] == "INELIGIBLE":
                self.draft.errors.append(f"issue {issue_id} ineligible: {body.get('eligibility')}")
                return None
            await asyncio.sleep(0.05)
        return None

    async def paced(self, per_second: float, fire: Callable[[int], Coroutine[Any, Any, None]],
                    max_inflight: int) -> None:
        """Open loop at a fixed rate; never more than `max_inflight` outstanding (then it waits: lag, not loss)."""
        gate = asyncio.Semaphore(max_inflight)
        tasks: set[asyncio.Task[None]] = set()
        start, i = time.perf_counter(), 0
        while self.live():
            await asyncio.sleep(max(0.0, start + i / per_second - time.perf_counter()))
            await gate.acquire()
            task = asyncio.create_task(fire(i))
            task.add_done_callback(lambda _: gate.release())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
        await asyncio.gather(*tasks)

    async def one_issue(self, i: int) -> None:
        t0 = time.perf_counter()
        body = {"source": "support_ticket", "external_id": f"load-{uuid.uuid4().hex}",
                "raw_payload": {"title": "the dialer dropped a call", "ticket": i}}
        if await self.post(self.intake, "/v1/issues", body, "service"):
            self.intake.ok(t0)

    def dialer_batch(self, lead: str, login: str, size: int) -> Callable[[int], Coroutine[Any, Any, None]]:
        async def fire(i: int) -> None:
            at = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
            calls = [{"lead_id": lead, "login_id": login, "started_at": at, "duration_s": (i + k) % 400,
                      "outcome": "Callback", "twilio_call_sid": f"CA{uuid.uuid4().hex}"} for k in range(size)]
            t0 = time.perf_counter()
            result = await self.post(self.dialer, "/v1/dialer/calls", {"calls": calls}, "service")
            if result and result["inserted"] == size:
                self.dialer.ok(t0, size)
            elif result:
                self.dialer.errors.append(f"batch {i}: {result}")
        return fire

    async def caller(self, voice: VoiceWorker, audio: dict[str, bytes]) -> None:
        from benchmarks.voice_loop import NUMBER
        from voice_runtime.testing.sim_caller import Hangup, dial
        while self.live():
            try:
                caller = await dial(voice.url, NUMBER, None, audio=audio)  # the webhook hands the stream its token
                report = await caller.run([*conversation(), Hangup()], max_seconds=120)
            except Exception as error:  # noqa: BLE001
                self.calls.errors.append(f"call: {type(error).__name__} {error}")
                await asyncio.sleep(1)
                continue
            if report.timed_out:
                self.calls.errors.append(f"call {report.call_sid}: waited in vain for {report.timed_out}")
            self.calls.samples.extend(report.voice_to_voice())
            self.calls.items += len(report.voice_to_voice())


async def run(args: argparse.Namespace, db_url: str, tmp: Path) -> int:
    from infra.temporal import dev_server

    api_port, temporal_port = free_port(), free_port()
    temporal = dev_server.spawn(tmp / "temporal.db", port=temporal_port, ui_port=free_port(),
                                log_file=tmp / "temporal.log")
    env = system_env(db_url, f"127.0.0.1:{temporal_port}", api_port)
    procs = {"temporal": temporal}
    try:
        await asyncio.sleep(2)
        procs["worker"] = _spawn(["workers.cli", "worker"], env, tmp / "worker.log")
        procs["api"] = _spawn(["workers.cli", "api", "--port", str(api_port)], env, tmp / "api.log")
        await _ready(f"http://127.0.0.1:{api_port}/readyz", "the API")
        return await measure(args, f"http://127.0.0.1:{api_port}", *await make_keys(db_url, args.founders),
                             lambda tenant: VoiceWorker("scripted", env=env, tenant=tenant), procs)
    finally:
        for proc in reversed(procs.values()):
            proc.terminate()
            proc.wait(30)


def cpu_seconds(procs: dict[str, subprocess.Popen[bytes]]) -> dict[str, float]:
    """User + system CPU each process (and its children: Postgres' backends are the database's) has used."""
    import psutil

    def used(process: psutil.Process) -> float:
        times = process.cpu_times()
        return float(times.user + times.system)

    def tree(pid: int) -> float:
        try:
            root = psutil.Process(pid)
            return used(root) + sum(used(child) for child in root.children(recursive=True))
        except psutil.NoSuchProcess:
            return 0.0

    found = {name: tree(proc.pid) for name, proc in procs.items()}
    found["load (this process)"] = used(psutil.Process())
    postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")]
    found["postgres"] = sum(used(p) for p in postgres if p.is_running())
    return found


async def measure(args: argparse.Namespace, base: str, keys: dict[str, str], tenants: list[str],
                  voice_worker: Callable[[str], VoiceWorker], procs: dict[str, subprocess.Popen[bytes]]) -> int:
    audio = await render_lines(CALL_LINES)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=60, limits=limits))
        load = Load(api, keys, tenants, deadline=float("inf"))
        lead, login, tenant = await load.setup()
        voice = voice_worker(tenant)  # the calls are the load's tenant's: their events reach the system
        procs["voice"] = voice.proc
        await voice.ready()
        began = time.perf_counter()
        load.deadline = began + args.seconds
        print(f"load for {args.seconds:.0f} s: {args.founders} founders, {args.issues_per_s}/s issues, "
              f"{args.calls} live calls, {args.dialer_per_s}/s dialer calls; load average {os.getloadavg()}",
              flush=True)
        paced = []  # a rate of 0 leaves that stream out (to measure one stream alone)
        if args.issues_per_s > 0:
            paced.append(load.paced(args.issues_per_s, load.one_issue, max_inflight=400))
        if args.dialer_per_s > 0:
            paced.append(load.paced(args.dialer_per_s / args.batch, load.dialer_batch(lead, login, args.batch),
                                    max_inflight=20))
        await asyncio.gather(
            *(load.founder(n) for n in range(args.founders)), *paced,
            *(load.caller(voice, audio) for _ in range(args.calls)))
        drained = time.perf_counter() - began - args.seconds
        cpu = cpu_seconds(procs)
    figures = [load.approve, load.draft, load.intake, load.dialer, load.calls]
    print(f"(rates over the {args.seconds:.0f} s window; what was in flight at its end finished "
          f"{drained:.1f} s later and is counted)")
    for figure in figures:
        print(figure.line(args.seconds))
    print("CPU seconds over the run (setup included):", ", ".join(f"{name} {secs:.0f}" for name, secs in cpu.items()))
    errors = [e for f in figures for e in f.errors]
    print(f"errors: {len(errors)}", *errors[:20], sep="\n  ")
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--founders", type=int, default=50)
    parser.add_argument("--issues-per-s", type=float, default=200.0)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--dialer-per-s", type=float, default=5000.0)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    args = parser.parse_args()
    from benchmarks.common import migrated_database

    with migrated_database() as db_url, tempfile.TemporaryDirectory(prefix="revos-load-") as tmp:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        sys.exit(asyncio.run(run(args, db_url, logs)))


if __name__ == "__main__":
    main()

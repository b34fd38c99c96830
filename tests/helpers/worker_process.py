"""The Temporal worker as a real process the fault tests can SIGKILL and start again.

`revos worker` (every bundle in the registry) by default; the governance crash test runs the
governance-only worker. Both honour REVOS_TASK_QUEUE_SUFFIX, so a test's process polls only its queues.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
REVOS_WORKER = ("workers.cli", "worker")


class WorkerProcess:
    """Start, SIGKILL and restart one worker process; `close()` ends whatever is still running."""

    def __init__(self, settings: Settings, temporal_target: str, module: Sequence[str] = REVOS_WORKER,
                 log: Path | None = None) -> None:
        self.env = {**os.environ, "REVOS_DATABASE_URL": settings.database_url or "",
                    "REVOS_TEMPORAL_ADDRESS": temporal_target, "REVOS_TASK_QUEUE_SUFFIX": settings.task_queue_suffix,
                    "REVOS_CAPITAL_DAY_SECONDS": str(settings.capital_day_seconds),
                    "REVOS_GOVERNANCE_STEP_INTERVAL_SECONDS": str(settings.governance_step_interval_seconds),
                    "REVOS_GOVERNANCE_OBSERVATION_WINDOW_SECONDS": str(settings.governance_observation_window_seconds)}
        for name, secret in (("REVOS_GOVERNANCE_APPROVAL_SECRET", settings.governance_approval_secret),
                             ("REVOS_VOICE_STREAM_SECRET", settings.voice_stream_secret),
                             ("REVOS_SECRETS_KEY", settings.secrets_key)):
            if secret is not None:  # the worker verifies approvals and signs grants with the test's own secrets
                self.env[name] = secret.get_secret_value()
        self.module, self.log = tuple(module), log
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        proc = subprocess.Popen([sys.executable, "-m", *self.module], cwd=ROOT, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT)
        self.started.append(proc)
        return proc

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, in-flight activities and workflow tasks just stop."""
        proc = self.started[-1]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def restart(self) -> subprocess.Popen[bytes]:
        if self.started and self.started[-1].poll() is None:
            self.kill()
        return self.start()

    def close(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


@contextmanager
def worker_process(settings: Settings, temporal_target: str, module: Sequence[str] = REVOS_WORKER,
                   log: Path | None = None) -> Iterator[WorkerProcess]:
    process = WorkerProcess(settings, temporal_target, module, log)
    try:
        yield process
    finally:
        process.close()

"""`revos up` as a user runs it: everything comes up, Ctrl-C leaves nothing behind, data survives a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers.net import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[3]


def leftovers(data_dir: Path) -> list[str]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if str(data_dir) in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(f"{proc.info['pid']}: {cmdline[:120]}")
    return found


class System:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.api_port, self.temporal_port, self.ui_port = free_port(), free_port(), free_port()
        self.env = {
            **os.environ,
            "REVOS_DATA_DIR": str(data_dir),
            "REVOS_TEMPORAL_PORT": str(self.temporal_port),
            "REVOS_TEMPORAL_UI_PORT": str(self.ui_port),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.env.pop("REVOS_DATABASE_URL", None)
        self.env.pop("REVOS_TEMPORAL_ADDRESS", None)

    def revos(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "workers.cli", *args], cwd=ROOT, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @contextmanager
    def up(self) -> Iterator[subprocess.Popen[str]]:
        proc = self.revos("up", "--port", str(self.api_port), "--no-voice")
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                try:
                    if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            else:
                raise AssertionError("revos up did not become ready in 120 s")
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.wait(60)


def test_up_ready_ui_ctrl_c_and_restart_keeps_data(tmp_path: Path) -> None:
    system = System(tmp_path / "data")
    with system.up() as proc:
        assert httpx.get(f"http://127.0.0.1:{system.ui_port}", timeout=5).status_code == 200
        keys = subprocess.run(
            [sys.executable, "-m", "workers.cli", "keys", "create", "--role", "operator", "--name", "ops"],
            cwd=ROOT, env=system.env, capture_output=True, text=True, timeout=60, check=True,
        )
        key = keys.stdout.strip().splitlines()[-1]
        assert key.startswith("rk_")
        created = httpx.post(f"{system.base}/v1/tenants", json={"name": "Durable Co"},
                             headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert created.status_code == 201, created.text
        tenant_id = created.json()["id"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    time.sleep(0.5)
    assert leftovers(system.data_dir) == []

    with system.up():
        again = httpx.get(f"{system.base}/v1/tenants/{tenant_id}", headers={"Authorization": f"Bearer {key}"},
                          timeout=10)
        assert again.status_code == 200 and again.json()["name"] == "Durable Co"
    time.sleep(0.5)
    assert leftovers(system.data_dir) == []


def test_port_taken_is_a_clear_error(tmp_path: Path) -> None:
    system = System(tmp_path / "data")
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", system.api_port))
        blocker.listen()
        proc = system.revos("up", "--port", str(system.api_port), "--no-voice")
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert f"port {system.api_port}" in output and "already in use" in output
    assert leftovers(system.data_dir) == []

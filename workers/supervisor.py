"""`revos up`: embedded Postgres and Temporal (unless configured), migrations, then the processes.

Everything runs in one foreground process group; SIGINT/SIGTERM stop every child we started.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from infra.approval_secret import ensure_secret_file
from infra.db import embedded
from infra.db.admin import ensure_database
from infra.db.migrate import upgrade
from infra.settings import Settings
from infra.stream_secret import stream_secret
from infra.temporal import dev_server

# Extra long-running processes other domains add (e.g. the voice worker): (name, argv after `revos`);
# "{voice_port}" and "{voice_host}" in an argument are replaced by the settings' values.
EXTRA_PROCESSES: list[tuple[str, list[str]]] = [
    ("voice", ["voice", "--port", "{voice_port}", "--host", "{voice_host}"]),
]


class PortTaken(RuntimeError):
    pass


def ensure_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PortTaken(f"port {port} on {host} is already in use, so {what} cannot start "
                            f"({exc.strerror}); stop whatever holds it or choose another port") from exc


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False


async def _ensure_database(admin_url: str, name: str) -> None:
    await ensure_database(admin_url, name)


async def _prepare_cluster(address: str, namespace: str) -> None:
    """A configured cluster gets our namespace and search attributes (the dev server gets them by flags)."""
    from infra.temporal.client import connect
    from infra.temporal.search_attributes import ensure_namespace, register

    client = await connect(address, "default")
    await ensure_namespace(client, namespace)
    await register(client, namespace)


UI_SECRET_FILE = "ui-session.key"


def ui_secret_env(settings: Settings, data: Path) -> dict[str, str]:
    """The dashboards' cookie-signing secret for the API: the configured one, else one kept under the data dir
    (created once, readable by its owner only), so sessions survive a restart of `revos up`."""
    if settings.ui_session_secret is not None:
        return {}
    path = data / UI_SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return {"REVOS_UI_SESSION_SECRET": path.read_text().strip()}
def secrets_key(settings: Settings, data: Path) -> str:
    """REVOS_SECRETS_KEY, else the key kept under the data directory (made on first use)."""
    from infra.secrets_box import ensure_key_file

    if settings.secrets_key is not None:
        return settings.secrets_key.get_secret_value()
    return ensure_key_file(data)


@dataclass
class Supervisor:
    settings: Settings
    voice: bool = True
    children: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    postgres: embedded.EmbeddedPostgres | None = None
    stopping: bool = False

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        proc = subprocess.Popen([sys.executable, "-m", "workers.cli", *argv], env=env)
        self.children.append((name, proc))

    def _check_ports(self) -> None:
        s = self.settings
        ensure_port_free(s.api_host, s.api_port, "the API")
        if not s.temporal_address:
            ensure_port_free("127.0.0.1", s.temporal_port, "the Temporal dev server")
            ensure_port_free("127.0.0.1", s.temporal_ui_port, "the Temporal UI")
        if self.voice and EXTRA_PROCESSES:
            ensure_port_free(s.voice_host, s.voice_port, "the voice worker")

    def _start_temporal(self, data: Path) -> str:
        s = self.settings
        if s.temporal_address:
            asyncio.run(_prepare_cluster(s.temporal_address, s.temporal_namespace))
            return s.temporal_address
        proc = dev_server.spawn(data / "temporal.db", port=s.temporal_port, ui_port=s.temporal_ui_port,
                                log_file=data / "temporal.log", namespace=s.temporal_namespace)
        self.children.append(("temporal", proc))
        if not wait_for_port("127.0.0.1", s.temporal_port, 60):
            raise RuntimeError(f"Temporal dev server did not start; see {data / 'temporal.log'}")
        return s.temporal_target

    def _start_postgres(self, data: Path) -> str:
        if self.settings.database_url:
            return self.settings.database_url
        self.postgres = embedded.start(data / "postgres")
        asyncio.run(_ensure_database(self.postgres.url, "revos"))
        return self.postgres.database_url("revos")

    def start(self) -> None:
        s = self.settings
        self._check_ports()
        data = s.resolved_data_dir()
        data.mkdir(parents=True, exist_ok=True)
        db_url = self._start_postgres(data)
        temporal = self._start_temporal(data)
        upgrade(db_url)
        env = {**os.environ, "REVOS_DATABASE_URL": db_url, "REVOS_TEMPORAL_ADDRESS": temporal,
               **ui_secret_env(s, data),
               # The voice worker signs stream tokens with it, the smoke stage its grants: one secret for both.
               "REVOS_VOICE_STREAM_SECRET": stream_secret(s).decode(),
               "REVOS_SECRETS_KEY": secrets_key(s, data)}
        secret = ensure_secret_file(s)  # the API signs founder approvals, the worker verifies them: one secret
        if secret is not None:
            env["REVOS_GOVERNANCE_APPROVAL_SECRET_FILE"] = str(secret)
        self._spawn("worker", ["worker"], env)
        self._spawn("api", ["api", "--host", s.api_host, "--port", str(s.api_port)], env)
        if self.voice:
            for name, argv in EXTRA_PROCESSES:
                self._spawn(name, [a.format(voice_port=s.voice_port, voice_host=s.voice_host) for a in argv], env)
        wait_for_port(s.api_host, s.api_port, 30)
        print(f"\nRevenue OS is up (data in {data})", flush=True)
        print(f"  API docs     http://{s.api_host}:{s.api_port}/docs", flush=True)
        print(f"  Readiness    http://{s.api_host}:{s.api_port}/readyz", flush=True)
        print(f"  Dashboards   http://{s.api_host}:{s.api_port}/ui", flush=True)
        if self.voice and EXTRA_PROCESSES:
            print(f"  Voice        http://{s.voice_host}:{s.voice_port}/", flush=True)
        if not s.temporal_address:
            print(f"  Temporal UI  http://127.0.0.1:{s.temporal_ui_port}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for _, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, proc in reversed(self.children):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.postgres is not None:
            self.postgres.stop()

    def watch(self) -> int:
        """Block until a signal or a child's death; returns the exit code."""
        received: list[int] = []

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            received.append(signum)

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
        while not received:
            for name, proc in self.children:
                if proc.poll() is not None:
                    print(f"{name} exited with code {proc.returncode}; stopping everything", file=sys.stderr)
                    return 1
            time.sleep(0.3)
        return 0


def up(settings: Settings, *, voice: bool = True) -> int:
    supervisor = Supervisor(settings, voice=voice)
    try:
        supervisor.start()
        code = supervisor.watch()
    except PortTaken as exc:
        print(f"revos up: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        code = 0
    finally:
        supervisor.stop()
    print("Revenue OS stopped.", flush=True)
    return code

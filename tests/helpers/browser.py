"""A real browser for tests: Debian's Chromium (installed here when missing and possible) driven by Playwright.

Never `playwright install`: this machine reaches only the package registries, so the browser comes from Debian.
The flags keep Chromium from reaching out to the network on its own (updates, sync, field trials).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _apt_install() -> str | None:
    """Install Debian's chromium as root; returns why it could not, or None."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this machine"
    if os.geteuid() != 0:
        return "not root, so apt-get cannot install chromium (run: apt-get install -y chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"],
                    ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if command[1] == "install" and result.returncode == 0 and CHROMIUM.exists():
            return None
    return f"apt-get install -y chromium failed: {result.stderr.strip()[-500:]}"


def chromium_or_reason() -> tuple[Path | None, str]:
    """The browser binary, installing it if needed; else None and the reason (for a loud skip)."""
    if CHROMIUM.exists():
        return CHROMIUM, ""
    reason = _apt_install()
    if reason is None:
        return CHROMIUM, ""
    warnings.warn(f"BROWSER TESTS SKIPPED: {reason}", stacklevel=2)
    return None, reason

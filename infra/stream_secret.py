"""The server secret that signs media-socket tokens and smoke grants: configured, or kept under the data dir.

`revos up` reads (or first creates) `<data dir>/voice-stream.secret` and hands it to every process it starts;
a process run alone with the same data dir finds the same file. Production sets REVOS_VOICE_STREAM_SECRET.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from infra.settings import Settings

FILE_NAME = "voice-stream.secret"


def stream_secret(settings: Settings) -> bytes:
    """The configured secret, else the data dir's (created once, readable by its owner only)."""
    if settings.voice_stream_secret is not None and settings.voice_stream_secret.get_secret_value():
        return settings.voice_stream_secret.get_secret_value().encode()
    path = settings.resolved_data_dir() / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path)
    value = ""
    for _ in range(20):  # another process may have created it a moment ago and be writing it
        value = path.read_text().strip()
        if value:
            break
        time.sleep(0.05)
    if not value:
        raise RuntimeError(f"{path} is empty: delete it (a new secret is made) or set REVOS_VOICE_STREAM_SECRET")
    return value.encode()


def _create(path: Path) -> None:
    with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")

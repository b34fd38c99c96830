"""The server secret the API signs founder approvals with: from settings, else a file under the data dir.

`revos up` creates the file (32 random bytes, owner-only) when no secret is configured, so the API and the
workers it starts share it; a process that finds neither refuses to sign or verify rather than invent one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from domain.errors import Unavailable
from infra.settings import Settings

FILE_NAME = "governance-approval.key"


def secret_file(settings: Settings) -> Path:
    """Where the generated secret lives."""
    return settings.governance_approval_secret_file or settings.resolved_data_dir() / FILE_NAME


def ensure_secret_file(settings: Settings) -> Path | None:
    """Create the secret file unless a secret is configured or the file exists (`revos up`)."""
    if settings.governance_approval_secret is not None:
        return None
    path = secret_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path


def approval_secret(settings: Settings) -> bytes:
    """The secret, or Unavailable when neither the setting nor the file gives one."""
    if settings.governance_approval_secret is not None:
        return settings.governance_approval_secret.get_secret_value().encode()
    path = secret_file(settings)
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        value = ""
    if not value:
        raise Unavailable(f"no approval secret: set REVOS_GOVERNANCE_APPROVAL_SECRET or run `revos up` "
                          f"(it creates {path})", code="approval_secret_missing")
    return value.encode()

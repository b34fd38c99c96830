"""`revos up` makes a secrets key once under the data directory and keeps it; a configured key wins."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from infra.secrets_box import SecretBox, new_key
from infra.settings import Settings
from workers.supervisor import secrets_key


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    first = secrets_key(Settings(), tmp_path)
    assert secrets_key(Settings(), tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secrets.key").stat().st_mode) == 0o600
    configured = new_key()
    assert secrets_key(Settings(secrets_key=SecretStr(configured)), tmp_path) == configured


def test_a_sealed_secret_opens_only_with_its_key_tenant_and_name() -> None:
    box, tenant = SecretBox(new_key()), uuid.uuid4()
    sealed = box.seal(tenant, "crm", "v")
    assert box.open(tenant, "crm", sealed) == "v" and sealed != box.seal(tenant, "crm", "v")
    for other in ((tenant, "other"), (uuid.uuid4(), "crm")):
        with pytest.raises(ValueError):
            box.open(*other, sealed)
    with pytest.raises(ValueError):
        SecretBox("c2hvcnQ")

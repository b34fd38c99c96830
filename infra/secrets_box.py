"""Tenant secrets encrypted at rest: AES-256-GCM, the key from REVOS_SECRETS_KEY, bound to (tenant, name).

The associated data is the tenant and the secret's name, so a ciphertext copied to another tenant or name does not
decrypt. `key_id` (a fingerprint of the key, not the key) says which key sealed a row, so a rotation is visible.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import Unavailable

NONCE_BYTES = 12
KEY_FILE = "secrets.key"


class SecretsKeyMissing(Unavailable):
    code = "secrets_key_missing"


def new_key() -> str:
    """A fresh key as REVOS_SECRETS_KEY expects it (base64url of 32 random bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def ensure_key_file(data_dir: Path) -> str:
    """The key kept under the data directory, made (readable by its owner only) on first use."""
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


class SecretBox:
    """Seals and opens tenant secrets with one key."""

    def __init__(self, key: str) -> None:
        raw = base64.urlsafe_b64decode(key.strip().encode("ascii") + b"==")
        if len(raw) != 32:
            raise ValueError("REVOS_SECRETS_KEY must be base64url of exactly 32 bytes (see `revos secrets-key`)")
        self._aead = AESGCM(raw)
        self.key_id = hashlib.sha256(b"revos-secrets-key:" + raw).hexdigest()[:16]

    @staticmethod
    def _aad(tenant_id: UUID, name: str) -> bytes:
        return f"revos-tenant-secret:{tenant_id}:{name}".encode()

    def seal(self, tenant_id: UUID, name: str, value: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value.encode("utf-8"), self._aad(tenant_id, name))

    def open(self, tenant_id: UUID, name: str, sealed: bytes) -> str:
        """The secret; ValueError if it was sealed with another key or for another tenant or name."""
        try:
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self._aad(tenant_id, name))
        except InvalidTag as exc:
            raise ValueError(f"tenant secret {name!r} does not open with this key") from exc
        return plain.decode("utf-8")


def box_for(key: str | None) -> SecretBox:
    """The box for the configured key; SecretsKeyMissing (503) when none is configured."""
    if not key:
        raise SecretsKeyMissing("no REVOS_SECRETS_KEY is configured: tenant secrets cannot be stored or read")
    return SecretBox(key)

"""The verification keys a governance worker holds, by key id: what the lifecycle's update validators verify with.

A validator cannot run an activity, and the secret must never travel in a workflow's history (any Temporal
client could read it there), so the worker's wiring installs its secret here and the validator finds it by
the key id its LifecyclePolicy pins. Several keys may be installed (a rotation, or several test workers in
one process); a key id names exactly one secret.
"""

from __future__ import annotations

from domain.governance.approvals import key_id_for

_KEYS: dict[str, bytes] = {}


def install(secret: bytes) -> str:
    """Make `secret` available to validators in this process; returns its key id."""
    key_id = key_id_for(secret)
    _KEYS[key_id] = secret
    return key_id


def secret_for(key_id: str) -> bytes | None:
    """The installed secret with this key id, if any."""
    return _KEYS.get(key_id)

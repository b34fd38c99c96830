"""The replay's refusals."""

from __future__ import annotations

from domain.errors import Conflict
from domain.replay.graphs import Pinned


def hash_mismatch(pin: Pinned, rebuilt: str) -> Conflict:
    """The stored version no longer compiles to the graph the call ran (the compiler changed its output)."""
    return Conflict(f"version {pin.config_version} compiles to {rebuilt}, but the call ran {pin.config_hash}",
                    code="config_hash_mismatch", details={"recorded": pin.config_hash, "rebuilt": rebuilt})

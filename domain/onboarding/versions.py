"""A stored configuration version and how its graph is rebuilt from the canonical document it keeps.

A version stores the canonical JSON its hash was taken over; compiling that again gives the same graph and the
same hash (docs/decisions/0010), which is checked, so a row that was altered behind the database's back cannot
run as the version it claims to be.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.errors import Conflict
from domain.objectives import CompiledConfig, compile_document

SourceFormat = Literal["json", "yaml", "settings"]


MAX_VERSION = 2**31 - 1
"""Config versions are numbered 1, 2, ... in an INTEGER column: a larger number names no version."""


class StoredVersion(BaseModel):
    """One immutable version of a tenant's configuration."""

    model_config = ConfigDict(frozen=True)

    tenant_id: UUID
    version: int
    hash: str
    canonical: dict[str, Any]
    document: dict[str, Any]
    source_format: SourceFormat
    derived_from: int | None = None
    created_at: datetime
    created_by: str


class VersionCorrupt(Conflict):
    """A stored version whose canonical document no longer hashes to its recorded hash."""

    code = "config_version_corrupt"


def recompile(canonical: dict[str, Any], expected_hash: str) -> CompiledConfig:
    """The compiled version from its stored canonical document; VersionCorrupt if the hash differs."""
    compiled = compile_document(canonical, host_verdicts=None, secret_names=None)
    if compiled.hash != expected_hash:
        raise VersionCorrupt(f"stored configuration hashes to {compiled.hash[:12]}, not {expected_hash[:12]}")
    return compiled

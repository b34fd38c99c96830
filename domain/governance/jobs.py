"""Governance jobs and their rollback: the steps a job applies, in order."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, JsonValue

from domain.governance.audit import Snapshot
from domain.governance.changes import ProposedChange, scope_of, split_scope

JobKind = Literal["execute", "rollback"]
JobStatus = Literal["PENDING", "RUNNING", "COMPLETED", "FAILED"]


class JobStep(BaseModel):
    """`set` one key, or `restore` a capability's whole state to a snapshot."""

    model_config = ConfigDict(frozen=True)

    seq: int
    capability: str
    target: str | None = None
    op: Literal["set", "restore"]
    key: str | None = None
    value: JsonValue = None
    state: dict[str, Any] | None = None
    revision: JsonValue = None  # for `restore`: the executor's handle on the prior state (a version)

    @property
    def scope(self) -> str:
        """The capability instance this step changes."""
        return scope_of(self.capability, self.target)


def execution_steps(changes: list[ProposedChange]) -> list[JobStep]:
    """One `set` step per proposed change, in the contract's order."""
    return [JobStep(seq=i + 1, capability=c.capability, target=c.target, op="set", key=c.key, value=c.value)
            for i, c in enumerate(changes)]


def rollback_steps(before: Snapshot, after: Snapshot, scopes: list[str] | None = None) -> list[JobStep]:
    """Restore every scope (of `scopes`, when given) whose state differs from the snapshot taken before the job.

    Only the contract's own scopes: a rollback never undoes another contract's change elsewhere.
    """
    candidates = set(before) | set(after) if scopes is None else set(scopes)
    changed = sorted(s for s in candidates if before.get(s) != after.get(s))
    return [JobStep(seq=i + 1, capability=split_scope(s)[0], target=split_scope(s)[1], op="restore",
                    state=dict(before.get(s, {}))) for i, s in enumerate(changed)]

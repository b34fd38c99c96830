"""Step 7 and the rollback: the steps a governance job applies, in order."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.governance.audit import Snapshot
from domain.governance.changes import JsonScalar, ProposedChange

JobKind = Literal["execute", "rollback"]
JobStatus = Literal["PENDING", "RUNNING", "COMPLETED", "FAILED"]


class JobStep(BaseModel):
    """`set` one key, or `restore` a capability's whole state to a snapshot."""

    model_config = ConfigDict(frozen=True)

    seq: int
    capability: str
    op: Literal["set", "restore"]
    key: str | None = None
    value: JsonScalar = None
    state: dict[str, Any] | None = None


def execution_steps(changes: list[ProposedChange]) -> list[JobStep]:
    """One `set` step per proposed change, in the contract's order."""
    return [JobStep(seq=i + 1, capability=c.capability, op="set", key=c.key, value=c.value)
            for i, c in enumerate(changes)]


def rollback_steps(before: Snapshot, after: Snapshot) -> list[JobStep]:
    """Restore every capability whose state differs from the snapshot taken before the job."""
    changed = sorted(c for c in set(before) | set(after) if before.get(c) != after.get(c))
    return [JobStep(seq=i + 1, capability=c, op="restore", state=dict(before.get(c, {})))
            for i, c in enumerate(changed)]


def apply(state: dict[str, Any], step: JobStep) -> dict[str, Any]:
    """The state after one step."""
    if step.op == "restore":
        return dict(step.state or {})
    assert step.key is not None
    return {**state, step.key: step.value}

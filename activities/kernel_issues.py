"""Filing kernel actions into governed change: a small port and its adapters.

`GovernanceIssueFiler` imports governance's intake lazily: when `activities.governance_intake` is
absent (ImportError) it reports `available = False` and the kernel only records its actions as
`kernel.action_recommended` events. external_id = f"{cycle_id}:{action_id}", so refiling is idempotent.
"""

from __future__ import annotations

import importlib
import json
import re
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from domain.kernel.assembly import governed_change
from infra.settings import Settings

ISSUE_SOURCE = "ops_alert"


class KernelIssue(BaseModel):
    """One kernel action to be approved by a human; `policy` is the tenant's kernel policy the cycle ran with."""

    tenant_id: str
    cycle_id: str
    action: dict[str, Any]
    policy: dict[str, Any] | None = None

    @property
    def external_id(self) -> str:
        return f"{self.cycle_id}:{self.action['action_id']}"

    def raw_payload(self) -> dict[str, Any]:
        action = self.action
        return {
            "tenant_id": self.tenant_id,
            "kind": "kernel_action",
            "cycle_id": self.cycle_id,
            "title": f"Kernel recommends {action['type']} by {action['owner_subsystem']}: {action['action_id']}",
            "summary": action.get("notes_for_humans", ""),
            "action": action,
            # Governance's change schema: the action as one change to the capability that executes it, so
            # an approved action changes what the system does.
            "requested_changes": [governed_change(action, self.tenant_id, self.policy)
                                  or requested_change(action)],
        }


def requested_change(action: dict[str, Any]) -> dict[str, Any]:
    """{capability, key, value} when no domain here executes the action: its owner subsystem, the field, the value.

    Governance finds no executor for such a capability, so the issue is recorded and found not eligible.
    """
    change = action.get("proposed_change") or {}
    key = re.sub(r"[^A-Za-z0-9_]", "_", str(change.get("field") or "setting"))[:100]
    if not re.match(r"[A-Za-z_]", key):
        key = f"f_{key}"[:100]
    value = change.get("new_value")
    if not (value is None or isinstance(value, str | int | float | bool)):
        value = json.dumps(value, sort_keys=True, default=str)
    return {"capability": str(action.get("owner_subsystem", "unknown")), "key": key, "value": value}


class FiledIssue(BaseModel):
    issue_id: str
    status: str
    duplicate: bool = False


class IssueFiler(Protocol):
    @property
    def available(self) -> bool: ...

    async def file(self, issue: KernelIssue, now: datetime) -> FiledIssue: ...


class GovernanceIssueFiler:
    """Files into governance's `receive_issue` when that module exists on this deployment."""

    def __init__(self, engine: AsyncEngine, client: Client, settings: Settings) -> None:
        self._engine, self._client, self._settings = engine, client, settings
        self._intake: Any = None
        self._receipt: Any = None
        try:
            self._intake = importlib.import_module("activities.governance_intake").receive_issue
            self._receipt = importlib.import_module("domain.governance.issues").IssueReceipt
        except (ImportError, AttributeError):
            self._intake = None

    @property
    def available(self) -> bool:
        return self._intake is not None

    async def file(self, issue: KernelIssue, now: datetime) -> FiledIssue:
        if self._intake is None:
            raise RuntimeError("governance intake is not installed")
        receipt = self._receipt(source=ISSUE_SOURCE, external_id=issue.external_id, raw_payload=issue.raw_payload())
        view = await self._intake(self._engine, self._client, self._settings, receipt, now)
        return FiledIssue(issue_id=str(view.id), status=str(getattr(view.status, "value", view.status)),
                          duplicate=bool(getattr(view, "duplicate", False)))


class RecordingIssueFiler:
    """An in-memory filer (tests): remembers what it was given; idempotent on external_id."""

    def __init__(self) -> None:
        self.filed: dict[str, KernelIssue] = {}

    @property
    def available(self) -> bool:
        return True

    async def file(self, issue: KernelIssue, now: datetime) -> FiledIssue:
        duplicate = issue.external_id in self.filed
        self.filed[issue.external_id] = issue
        return FiledIssue(issue_id=issue.external_id, status="RECEIVED", duplicate=duplicate)

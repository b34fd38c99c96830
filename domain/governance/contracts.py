"""Contracts: their states, what founder decisions each state allows, and timing."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import Conflict
from domain.governance.validator import Severity

RiskLevel = Literal["low", "medium", "high"]
FounderAction = Literal["approve", "reject", "clarify", "modify_scope", "resolve_audit"]


class ContractStatus(StrEnum):
    """A contract's lifecycle state; the last five are terminal."""

    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    ACTIVE = "ACTIVE"
    AUDIT_INCONCLUSIVE = "AUDIT_INCONCLUSIVE"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    SUPERSEDED = "SUPERSEDED"


TERMINAL = frozenset({ContractStatus.COMPLETED, ContractStatus.FAILED, ContractStatus.REJECTED,
                      ContractStatus.EXPIRED, ContractStatus.SUPERSEDED})

_ALLOWED: dict[FounderAction, frozenset[ContractStatus]] = {
    "approve": frozenset({ContractStatus.DRAFT}),
    "reject": frozenset({ContractStatus.DRAFT}),
    "clarify": frozenset({ContractStatus.DRAFT}),
    "modify_scope": frozenset({ContractStatus.DRAFT}),
    "resolve_audit": frozenset({ContractStatus.AUDIT_INCONCLUSIVE}),
}


class ExecutionConstraints(BaseModel):
    """Limits the job executor must honour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_steps: int = Field(default=50, ge=1, le=50)
    step_interval_seconds: float = Field(default=0.0, ge=0, le=3600)


class ActivationWindow(BaseModel):
    """When execution may run: never before `start`, never after `end`."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        """True when `moment` is inside the window."""
        return self.start <= moment <= self.end


def check_decision(action: FounderAction, status: ContractStatus, *, now: datetime, expires_at: datetime,
                   current: bool) -> None:
    """Refuses (Conflict, with why) unless `action` is allowed now on this contract version in `status`."""
    if not current:
        raise Conflict("this contract version was superseded", code="contract_superseded")
    if status not in _ALLOWED[action]:
        allowed = ", ".join(sorted(s.value for s in _ALLOWED[action]))
        raise Conflict(f"cannot {action} a contract in {status.value}; allowed in: {allowed}",
                       code="contract_wrong_state")
    if status is ContractStatus.DRAFT and now >= expires_at:
        raise Conflict(f"the draft expired at {expires_at.isoformat()}", code="contract_expired")


def risk_level(severity: Severity, capability_count: int) -> RiskLevel:
    """Risk derived from the validator: severity, raised when many capabilities are touched."""
    base: RiskLevel = {"critical": "high", "high": "high", "medium": "medium", "low": "low"}[severity]  # type: ignore[assignment]
    if capability_count > 2:
        return "high"
    return base


def expires_at(created_at: datetime, ttl_seconds: float) -> datetime:
    """When an unapproved draft expires."""
    return created_at + timedelta(seconds=ttl_seconds)


def activation_window(approved_at: datetime, delay_seconds: float, length_seconds: float) -> ActivationWindow:
    """The window that opens `delay_seconds` after approval and lasts `length_seconds`."""
    start = approved_at + timedelta(seconds=delay_seconds)
    return ActivationWindow(start=start, end=start + timedelta(seconds=length_seconds))

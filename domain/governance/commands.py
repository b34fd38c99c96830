"""Commands and results that travel through the lifecycle workflow (updates, activities)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.governance.contracts import ActivationWindow, ContractStatus, ExecutionConstraints
from domain.governance.eligibility import EligibilityVerdict
from domain.governance.jobs import JobStep
from domain.governance.validator import ValidatedProposal


class LifecyclePolicy(BaseModel):
    """The durations and thresholds a lifecycle runs with (from settings at receipt)."""

    model_config = ConfigDict(frozen=True)

    draft_ttl_seconds: float = Field(gt=0)
    confidence_threshold: float = Field(ge=0, le=1)
    manual_triage_types: list[str]
    activation_delay_seconds: float = Field(ge=0)
    activation_window_seconds: float = Field(gt=0)
    step_interval_seconds: float = Field(ge=0)
    founder_notify: str


class FounderCommand(BaseModel):
    """Who decides, about which contract version; the role is re-checked inside the workflow."""

    model_config = ConfigDict(frozen=True)

    contract_id: UUID
    founder_id: UUID
    founder_role: str


class ApproveContract(FounderCommand):
    """Approve a DRAFT; optional execution constraints."""

    note: str | None = None
    execution_constraints: ExecutionConstraints | None = None


class RejectContract(FounderCommand):
    """Reject a DRAFT (terminal)."""

    reason: str = Field(min_length=1, max_length=2000)


class ClarifyContract(FounderCommand):
    """Ask a question; the contract stays DRAFT."""

    question: str = Field(min_length=1, max_length=2000)


class ModifyScope(FounderCommand):
    """Replace the proposed changes with a new draft version; the old one is SUPERSEDED."""

    proposed_changes: dict[str, Any]
    note: str | None = None


class ResolveAudit(FounderCommand):
    """Decide an INCONCLUSIVE audit."""

    resolution: Literal["rollout", "rollback"]
    note: str | None = None


class DecisionResult(BaseModel):
    """The state a founder decision left the contract in."""

    model_config = ConfigDict(frozen=True)

    contract_id: UUID
    status: ContractStatus
    version: int


class ContractState(BaseModel):
    """The workflow's view of its current contract version."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    version: int
    status: ContractStatus
    proposed_changes: dict[str, Any]
    affected_capabilities: list[str]
    expires_at: datetime
    activation_window: ActivationWindow | None = None
    execution_constraints: ExecutionConstraints | None = None


class IssueRef(BaseModel):
    """An issue to work on."""

    issue_id: UUID


class EligibilityCommand(BaseModel):
    """Check a proposal's eligibility and record the verdict on the issue."""

    issue_id: UUID
    proposal: ValidatedProposal
    threshold: float
    manual_triage_types: list[str]
    event_id: UUID


class CreateDraft(BaseModel):
    """Create a DRAFT contract (version 1, or a new version superseding another)."""

    issue_id: UUID
    contract_id: UUID
    version: int
    proposed_changes: dict[str, Any]
    created_at: datetime
    ttl_seconds: float
    supersedes_id: UUID | None = None
    decided_by: UUID | None = None
    note: str | None = None


class CheckScope(BaseModel):
    """Re-check a modified scope against the registry and blocking signals (no override)."""

    contract_id: UUID
    proposed_changes: dict[str, Any]


class Transition(BaseModel):
    """Move a contract to `to_status`, recording an event (idempotent on event_id)."""

    contract_id: UUID
    to_status: ContractStatus
    event_type: str
    event_id: UUID
    at: datetime
    by: UUID | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    window: ActivationWindow | None = None
    constraints: ExecutionConstraints | None = None


class StartJob(BaseModel):
    """Create a governance job: `execute` from the contract's changes, or `rollback` of another job."""

    job_id: UUID
    contract_id: UUID
    kind: Literal["execute", "rollback"]
    at: datetime
    rollback_of: UUID | None = None
    max_steps: int = 50


class StartedJob(BaseModel):
    """The job's steps, in order."""

    job_id: UUID
    steps: list[JobStep]


class ApplyStep(BaseModel):
    """Apply one step of a job, exactly once."""

    job_id: UUID
    seq: int
    window: ActivationWindow | None = None


class FinishJob(BaseModel):
    """Close a job and snapshot the state after it."""

    job_id: UUID
    status: Literal["COMPLETED", "FAILED"]
    at: datetime
    error: str | None = None


class FinishedJob(BaseModel):
    """Whether the state after the job equals the state before it (used to verify a rollback)."""

    job_id: UUID
    status: str
    restored_prior_state: bool


class JobRef(BaseModel):
    """A contract's job, for health evaluation and audit."""

    contract_id: UUID
    job_id: UUID
    at: datetime
    audit_id: UUID | None = None


class RecordResolution(BaseModel):
    """Append a founder's resolution of an INCONCLUSIVE audit."""

    contract_id: UUID
    job_id: UUID
    audit_id: UUID
    resolution: Literal["rollout", "rollback"]
    founder_id: UUID
    note: str | None
    at: datetime


class RaiseIncident(BaseModel):
    """An incident for a rolled-back contract, and the founder's notification."""

    incident_id: UUID
    notification_id: UUID
    contract_id: UUID
    job_id: UUID | None
    summary: str
    details: dict[str, Any]
    recipient: str
    at: datetime


class LifecycleResult(BaseModel):
    """How a lifecycle ended."""

    issue_id: UUID
    contract_id: UUID | None
    status: str
    eligibility: EligibilityVerdict | None = None

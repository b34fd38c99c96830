"""Governed change's workflow, update and activity payloads, and the lifecycle's workflow id (their one home).

The API, ContractLifecycleWorkflow and the governance activities import these from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.governance.approvals import SignedApproval
from domain.governance.contracts import ActivationWindow, ContractStatus, ExecutionConstraints
from domain.governance.eligibility import EligibilityVerdict
from domain.governance.jobs import JobStep
from domain.governance.notices import NoticeKind
from domain.governance.validator import ValidatedProposal
from domain.text import RequiredText, SafeJson, SafeText


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
    # Which server key signs this lifecycle's founder decisions (None: started before approvals were signed).
    approval_key_id: str | None = None
    # While another contract holds its scope, a lifecycle rechecks this often (it is woken on release too).
    scope_recheck_seconds: float = Field(default=30, gt=0)
    # Health measures this long after the job (and the same length before it) to judge the change.
    observation_window_seconds: float = Field(default=900, ge=0)
    # The founder is reminded this long before a draft expires (not when the whole TTL is shorter).
    draft_reminder_seconds: float = Field(default=24 * 3600, ge=0)
    # An INCONCLUSIVE audit waits this long for the founder; then the change is rolled back (the safe side).
    inconclusive_deadline_seconds: float = Field(default=48 * 3600, gt=0)
    # A job step may run this long (a voice settings step onboards a version with its smoke calls); it heartbeats.
    step_timeout_seconds: float = Field(default=1800, gt=0)


class ContractLifecycleInput(BaseModel):
    """Start the lifecycle of one received issue under the deployment's policy."""

    issue_id: UUID
    policy: LifecyclePolicy


def lifecycle_workflow_id(issue_id: UUID) -> str:
    """The lifecycle workflow's id is derived from the issue id, so a start is idempotent."""
    return f"contract-lifecycle-{issue_id}"


class FounderCommand(BaseModel):
    """Who decides, about which contract version; the role and the API's signed approval are checked inside."""

    model_config = ConfigDict(frozen=True)

    contract_id: UUID
    founder_id: UUID
    founder_role: str
    approval: SignedApproval | None = None


class ApproveContract(FounderCommand):
    """Approve a DRAFT; optional execution constraints."""

    note: SafeText | None = None
    execution_constraints: ExecutionConstraints | None = None


class RejectContract(FounderCommand):
    """Reject a DRAFT (terminal)."""

    reason: RequiredText


class ClarifyContract(FounderCommand):
    """Ask a question; the contract stays DRAFT."""

    question: RequiredText


class AnswerClarification(BaseModel):
    """The issue's source (a service or an operator) answers the founder's open question about a DRAFT."""

    model_config = ConfigDict(frozen=True)

    contract_id: UUID
    answered_by: UUID
    role: str
    answer: RequiredText


class ModifyScope(FounderCommand):
    """Replace the proposed changes with a new draft version; the old one is SUPERSEDED."""

    proposed_changes: SafeJson
    note: SafeText | None = None


class ResolveAudit(FounderCommand):
    """Decide an INCONCLUSIVE audit."""

    resolution: Literal["rollout", "rollback"]
    note: SafeText | None = None


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
    """A contract's job, for health evaluation (over the window that ends `at`) and audit."""

    contract_id: UUID
    job_id: UUID
    at: datetime
    audit_id: UUID | None = None
    window_seconds: float | None = None


class BaselineRef(BaseModel):
    """Measure the contract's scopes over the window that ends `at`, before its job starts."""

    contract_id: UUID
    at: datetime
    window_seconds: float


class RecordResolution(BaseModel):
    """Append a founder's resolution of an INCONCLUSIVE audit."""

    contract_id: UUID
    job_id: UUID
    audit_id: UUID
    resolution: Literal["rollout", "rollback"]
    founder_id: UUID | None  # None: the INCONCLUSIVE deadline passed (the safe default, a rollback)
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
    kind: Literal["contract_rolled_back", "contract_not_executed"] = "contract_rolled_back"


class ClaimScope(BaseModel):
    """Take the contract's scopes for its execution (all or none)."""

    contract_id: UUID
    workflow_id: str
    scopes: list[str]
    at: datetime


class ScopeClaim(BaseModel):
    """Whether the scopes are the contract's now; if not, which one is busy and who holds it."""

    claimed: bool
    scope: str | None = None
    held_by: UUID | None = None


class ReleaseScope(BaseModel):
    """Free the contract's scopes once it has ended."""

    contract_id: UUID


class ReleasedScope(BaseModel):
    """The freed scopes and the lifecycles that wait for them (to be woken)."""

    scopes: list[str]
    waiting_workflow_ids: list[str]


class NotifyFounder(BaseModel):
    """Tell the founder about a contract: what waits for them (`due` is when it stops waiting) or came back."""

    notification_id: UUID
    contract_id: UUID
    kind: NoticeKind
    recipient: str
    at: datetime
    due: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class LifecycleResult(BaseModel):
    """How a lifecycle ended."""

    issue_id: UUID
    contract_id: UUID | None
    status: str
    eligibility: EligibilityVerdict | None = None

"""TenantOnboardingWorkflow's input, progress and stage payloads, and its workflow id (docs/decisions/0009).

The stages run in order: validate, compile, pin the version, bind the phone numbers, smoke test, activate. A
stage that fails stops the workflow before activation, with the reason in its detail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.objectives import Outcome, SmokePath


class Stage(StrEnum):
    """One step of onboarding, in the order they run."""

    VALIDATE = "validate"
    COMPILE = "compile"
    PIN = "pin"
    BIND = "bind"
    SMOKE = "smoke"
    STRESS = "stress"  # the personas (issue 13): hostile, confused, silent, interrupting callers and the others
    ACTIVATE = "activate"


StageState = Literal["pending", "running", "passed", "failed", "skipped"]
Status = Literal["running", "active", "failed"]


class StageStatus(BaseModel):
    """Where one stage is, when it ran and what it found."""

    stage: Stage
    status: StageState = "pending"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    detail: dict[str, Any] = Field(default_factory=dict)

    def duration(self) -> float | None:
        """How long it ran, in seconds (None until it finished)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class OnboardingInput(BaseModel):
    """Onboard this version of the tenant's configuration; `reason` says who asked (an operator, a settings change)."""

    tenant_id: UUID
    version: int = Field(ge=1)
    requested_by: str
    reason: Literal["onboarding", "settings"] = "onboarding"


class OnboardingProgress(BaseModel):
    """Every stage's status; `status` is active once the version serves calls, failed when a stage failed."""

    workflow_id: str
    tenant_id: UUID
    version: int
    status: Status = "running"
    stages: list[StageStatus]
    failure: str | None = None

    def stage(self, stage: Stage) -> StageStatus:
        """The status of one stage."""
        return next(s for s in self.stages if s.stage is stage)


class VersionRef(BaseModel):
    """A tenant's version, as the stages' activities name it."""

    tenant_id: UUID
    version: int
    workflow_id: str


class Validated(BaseModel):
    """The version checked against today's world (numbers bound elsewhere, webhook hosts)."""

    hash: str
    numbers: list[str]
    transfer_to: str | None
    webhook_hosts: list[str]


class Compiled(BaseModel):
    """The graph's smoke tests: one scripted call per covering path, and whatever no caller can reach."""

    hash: str
    objectives: int
    paths: list[SmokePath]
    uncovered_objectives: list[str]
    uncovered_edges: list[str]
    concurrency: int = Field(ge=1)
    call_timeout_seconds: float = Field(gt=0)


class BindNumbers(BaseModel):
    """Route these numbers to the tenant (and point them at the voice webhook when Twilio is configured)."""

    tenant_id: UUID
    numbers: list[str]
    transfer_to: str | None


class NumberBound(BaseModel):
    """One number's binding: in the routing table, and at Twilio when it is configured."""

    number: str
    routing: Literal["bound", "already_bound"]
    provider: Literal["local", "twilio"]
    voice_url: str | None = None
    provider_sid: str | None = None


class NumbersBound(BaseModel):
    """Every number's binding."""

    numbers: list[NumberBound]


class SmokeCall(BaseModel):
    """One scripted call: the path it must walk, on the version under test."""

    tenant_id: UUID
    version: int
    index: int
    path: SmokePath
    number: str


class SmokeCallResult(BaseModel):
    """What the call did against what the path expected; `problems` is empty when it passed."""

    index: int
    business_open: bool
    call_sid: str
    stream: str
    expected: list[Outcome]
    actual: list[Outcome]
    expected_terminal: str
    actual_terminal: str | None
    problems: list[str]
    transcript: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    attempts: int = 1
    first_problems: list[str] = Field(default_factory=list)  # a failed first call's, when it was placed again

    @property
    def passed(self) -> bool:
        """No problem found."""
        return not self.problems


class SmokeVerdict(BaseModel):
    """The smoke stage's verdict on a version, as it is recorded."""

    ref: VersionRef
    passed: bool
    detail: dict[str, Any]


class Activate(BaseModel):
    """Switch the tenant to the version."""

    ref: VersionRef
    requested_by: str


class Activated(BaseModel):
    """The switch."""

    version: int
    previous_version: int | None


def onboarding_workflow_id(tenant_id: UUID, version: int) -> str:
    """One onboarding at a time per version (another run is refused while one is running)."""
    return f"onboarding-{tenant_id}-v{version}"


def initial_progress(data: OnboardingInput, workflow_id: str) -> OnboardingProgress:
    """Every stage pending."""
    return OnboardingProgress(workflow_id=workflow_id, tenant_id=data.tenant_id, version=data.version,
                              stages=[StageStatus(stage=s) for s in Stage])

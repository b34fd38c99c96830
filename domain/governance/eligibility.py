"""The eligibility engine. Binary, deterministic: MAY or MAY_NOT, with every reason."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.governance.validator import ValidatedProposal

Decision = Literal["MAY", "MAY_NOT"]
ALL_SCOPES = "*"


class EligibilityContext(BaseModel):
    """What the rules need from the world, loaded by an activity."""

    model_config = ConfigDict(frozen=True)

    registered_capabilities: list[str]
    blocking_scopes: list[str]
    threshold: float = Field(ge=0, le=1)
    manual_triage_types: list[str]
    # What the capabilities' executors refuse in the proposed changes (a bad target, key or value).
    change_problems: list[str] = Field(default_factory=list)


class EligibilityVerdict(BaseModel):
    """MAY or MAY_NOT; `reasons` says why (every failed rule, or why it passed)."""

    model_config = ConfigDict(frozen=True)

    decision: Decision
    reasons: list[str]


def blocked_scopes(affected: Iterable[str], blocking: Iterable[str]) -> list[str]:
    """The scopes among `affected` (or all) that an active blocking signal covers."""
    active = set(blocking)
    if ALL_SCOPES in active:
        return [ALL_SCOPES]
    return sorted(set(affected) & active)


def evaluate(proposal: ValidatedProposal, ctx: EligibilityContext) -> EligibilityVerdict:
    """Apply the four eligibility rules plus executability and actionability; any failure means MAY_NOT."""
    reasons: list[str] = []
    if proposal.confidence_score < ctx.threshold:
        reasons.append(f"confidence {proposal.confidence_score} below threshold {ctx.threshold}")
    unknown = sorted(set(proposal.affected_capabilities) - set(ctx.registered_capabilities))
    if unknown:
        reasons.append(f"unknown capabilities: {', '.join(unknown)}")
    blocked = blocked_scopes(proposal.affected_capabilities, ctx.blocking_scopes)
    if blocked:
        reasons.append(f"blocking governance signal active for: {', '.join(blocked)}")
    if ctx.change_problems:
        reasons.append("not executable: " + "; ".join(ctx.change_problems))
    if proposal.issue_type in ctx.manual_triage_types:
        reasons.append(f"issue type {proposal.issue_type} requires manual triage")
    if not proposal.proposed_changes or proposal.recommended_action != "create_contract":
        reasons.append(f"not actionable: recommended action is {proposal.recommended_action}"
                       + ("" if proposal.proposed_changes else ", no structured change proposed"))
    if reasons:
        return EligibilityVerdict(decision="MAY_NOT", reasons=reasons)
    return EligibilityVerdict(decision="MAY", reasons=["all eligibility rules passed"])

"""The validator turns a raw payload into an advisory proposal. It decides nothing.

The port lets another validator be plugged in later; the rule-based one is pure and deterministic.
Its output is data only: it has no way to create contracts, change state or decide eligibility.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from domain.governance.changes import ProposedChange, try_parse_changes

IssueType = Literal["capability_request", "bug_report", "configuration_change", "escalation"]
Severity = Literal["critical", "high", "medium", "low"]
Action = Literal["create_contract", "defer", "reject", "escalate"]


class ValidatorInput(BaseModel):
    """What the validator sees: the source and the payload, nothing else."""

    model_config = ConfigDict(frozen=True)

    source: str
    raw_payload: dict[str, Any]


class ValidatedProposal(BaseModel):
    """The validator's advisory output: severity, confidence, scope and the parsed changes."""

    model_config = ConfigDict(frozen=True)

    issue_type: IssueType
    severity: Severity
    affected_capabilities: list[str]
    recommended_action: Action
    confidence_score: float = Field(ge=0, le=1)
    reason: str
    proposed_changes: list[ProposedChange] = Field(default_factory=list)
    validator: str


class Validator(Protocol):
    """The validator port: advisory analysis only."""

    name: str

    def validate(self, issue: ValidatorInput) -> ValidatedProposal:
        """Analyse one issue."""
        ...


_TYPE_WORDS: list[tuple[IssueType, re.Pattern[str]]] = [
    ("escalation", re.compile(r"\b(escalat\w*|legal|lawyer|ceo|chargeback)\b")),
    ("bug_report", re.compile(r"\b(bug|error|broken|crash\w*|fails?|failing|wrong)\b")),
    ("configuration_change", re.compile(r"\b(config\w*|setting|limit|threshold|enable|disable|raise|lower)\b")),
    ("capability_request", re.compile(r"\b(feature|add|support for|would like|request\w*|new)\b")),
]
_SEVERITY_WORDS: list[tuple[Severity, re.Pattern[str]]] = [
    ("critical", re.compile(r"\b(outage|down|critical|data loss|security)\b")),
    ("high", re.compile(r"\b(urgent|blocked|high|asap)\b")),
    ("low", re.compile(r"\b(minor|cosmetic|typo|low)\b")),
]
_SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")


def _text(payload: dict[str, Any]) -> str:
    parts = [payload.get(k) for k in ("title", "subject", "summary", "description", "body", "message", "text")]
    return " ".join(p for p in parts if isinstance(p, str)).lower()


def _capabilities(payload: dict[str, Any], changes: list[ProposedChange]) -> list[str]:
    named = payload.get("capabilities")
    listed = [c for c in named if isinstance(c, str)] if isinstance(named, list) else []
    return sorted({*listed, *(c.capability for c in changes)})


def _issue_type(text: str, has_changes: bool) -> tuple[IssueType, bool]:
    """The type and whether a keyword supported it."""
    matched = [kind for kind, pattern in _TYPE_WORDS if pattern.search(text)]
    if "escalation" in matched:
        return "escalation", True
    if has_changes:
        return "configuration_change", "configuration_change" in matched
    if matched:
        return matched[0], True
    return "capability_request", False


def _severity(source: str, payload: dict[str, Any], text: str) -> Severity:
    declared = payload.get("severity")
    if isinstance(declared, str) and declared.lower() in _SEVERITIES:
        return declared.lower()  # type: ignore[return-value]
    for level, pattern in _SEVERITY_WORDS:
        if pattern.search(text):
            return level
    return "high" if source == "ops_alert" else "medium"


class RuleBasedValidator:
    """Deterministic keyword and structure rules; the same payload always gives the same output."""

    name = "rule-based-v1"

    def validate(self, issue: ValidatorInput) -> ValidatedProposal:
        """Classify the payload; confidence grows with structure, not with wording alone."""
        payload = issue.raw_payload
        parsed = try_parse_changes({"changes": payload.get("requested_changes")})
        changes = list(parsed.changes) if parsed else []
        text = _text(payload)
        issue_type, keyword = _issue_type(text, bool(changes))
        capabilities = _capabilities(payload, changes)
        confidence = 0.3 + (0.3 if changes else 0) + (0.15 if capabilities else 0) + (0.1 if keyword else 0)
        confidence += 0.1 if issue.source in ("support_ticket", "ops_alert") else 0.05
        confidence = round(min(confidence, 1.0), 2)
        action = _action(issue_type, bool(changes), confidence)
        reason = _reason(issue_type, keyword, changes, capabilities, payload.get("requested_changes"))
        return ValidatedProposal(
            issue_type=issue_type, severity=_severity(issue.source, payload, text),
            affected_capabilities=capabilities, recommended_action=action, confidence_score=confidence,
            reason=reason, proposed_changes=changes, validator=self.name,
        )


def _action(issue_type: IssueType, has_changes: bool, confidence: float) -> Action:
    if issue_type == "escalation":
        return "escalate"
    if confidence < 0.4:
        return "reject"
    return "create_contract" if has_changes else "defer"


def _reason(issue_type: IssueType, keyword: bool, changes: list[ProposedChange], capabilities: list[str],
            raw_changes: Any) -> str:
    parts = [f"classified as {issue_type}" + (" from its wording" if keyword else " by default")]
    if changes:
        parts.append(f"{len(changes)} structured change(s) to {', '.join(capabilities)}")
    elif raw_changes is not None:
        parts.append("requested_changes present but not valid against the change schema")
    else:
        parts.append("no structured change requested")
    return "; ".join(parts)

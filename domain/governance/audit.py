"""The audit: compares before and after against the contract's scope. Pure.

FAIL: a mutation outside the proposed changes, a proposed change not in effect, unhealthy or
inconsistent health, a job that did not complete, or a step applied outside the window.
INCONCLUSIVE: evidence is missing (no snapshot, no or UNKNOWN health signal). Otherwise PASS.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.governance.changes import ProposedChange, scope_of
from domain.governance.contracts import ActivationWindow
from domain.governance.health import HealthSignal

Verdict = Literal["PASS", "FAIL", "INCONCLUSIVE"]
Snapshot = dict[str, dict[str, Any]]


class AuditEvidence(BaseModel):
    """Everything the auditor looks at, loaded from the job's records."""

    model_config = ConfigDict(frozen=True)

    proposed_changes: list[ProposedChange]
    before: Snapshot | None
    after: Snapshot | None
    job_status: str
    applied_at: list[datetime]
    window: ActivationWindow
    health: list[HealthSignal]


class AuditResult(BaseModel):
    """The verdict and every reason behind it."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    reasons: list[str]


def mutations(before: Snapshot, after: Snapshot) -> set[tuple[str, str]]:
    """(capability, key) pairs whose value differs between two snapshots."""
    changed: set[tuple[str, str]] = set()
    for capability in set(before) | set(after):
        old, new = before.get(capability, {}), after.get(capability, {})
        changed |= {(capability, k) for k in set(old) | set(new) if old.get(k) != new.get(k)}
    return changed


def _scope_failures(ev: AuditEvidence, before: Snapshot, after: Snapshot) -> list[str]:
    scope = {(c.scope, c.key) for c in ev.proposed_changes}
    reasons = [f"unauthorized mutation of {cap}.{key}" for cap, key in sorted(mutations(before, after) - scope)]
    for change in ev.proposed_changes:
        actual = after.get(change.scope, {}).get(change.key)
        if actual != change.value:
            reasons.append(f"{change.scope}.{change.key} is {actual!r}, contract says {change.value!r}")
    return reasons


def _health_failures(ev: AuditEvidence) -> tuple[list[str], list[str]]:
    """(fail reasons, missing-evidence reasons) from the health signals."""
    by_scope = {scope_of(s.capability, s.target): s for s in ev.health}
    fails: list[str] = []
    missing: list[str] = []
    for scope in sorted({c.scope for c in ev.proposed_changes}):
        signal = by_scope.get(scope)
        if signal is None or signal.status == "UNKNOWN":
            missing.append(f"no health evidence for {scope}")
        elif signal.status == "UNHEALTHY":
            fails.append(f"{scope} unhealthy: {'; '.join(signal.violations)}")
    return fails, missing


def audit(ev: AuditEvidence) -> AuditResult:
    """The verdict; FAIL outranks INCONCLUSIVE, which outranks PASS."""
    fails: list[str] = []
    if ev.job_status != "COMPLETED":
        fails.append(f"job ended {ev.job_status}")
    fails += [f"step applied outside window at {t.isoformat()}" for t in ev.applied_at if not ev.window.contains(t)]
    missing = [] if ev.before is not None and ev.after is not None else ["state snapshot missing"]
    if ev.before is not None and ev.after is not None:
        fails += _scope_failures(ev, ev.before, ev.after)
    health_fails, health_missing = _health_failures(ev)
    fails += health_fails
    missing += health_missing
    if fails:
        return AuditResult(verdict="FAIL", reasons=fails + missing)
    if missing:
        return AuditResult(verdict="INCONCLUSIVE", reasons=missing)
    return AuditResult(verdict="PASS", reasons=["execution matched scope, health consistent, within window"])


def next_after_audit(verdict: Verdict, resolution: Literal["rollout", "rollback"] | None = None
                     ) -> Literal["rollout", "rollback", "escalate"]:
    """Rollout or rollback after the audit: FAIL always rolls back; INCONCLUSIVE needs the founder's resolution."""
    if verdict == "FAIL":
        return "rollback"
    if verdict == "PASS":
        return "rollout"
    return resolution if resolution is not None else "escalate"

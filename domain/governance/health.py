"""Platform health: how a capability instance behaves after a change, against the window before it. Pure.

Each executor measures its capability at runtime (the kernel's next cycle, capital's invariants, the calls'
events) over the window before the change and over the observation window after it; this module judges
the two measures. Health is the authority: its signals come from these measures alone, never from what a
job claims, and nothing downstream may override them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

HealthStatus = Literal["HEALTHY", "UNHEALTHY", "UNKNOWN"]
# A bad-outcome rate (errors per call...) may rise by this much, absolute, before it counts as a regression.
RATE_TOLERANCE = 0.15


class HealthMeasure(BaseModel):
    """What one executor saw of one capability instance over one window.

    `problems` are faults present in the window (an invariant broken, a cycle refused); `rates` are
    bad-outcome rates in [0, 1] (higher is worse), given only when the window has enough samples;
    `evidence` is False when the window showed nothing to judge by.
    """

    model_config = ConfigDict(frozen=True)

    evidence: bool
    problems: list[str] = Field(default_factory=list)
    rates: dict[str, float] = Field(default_factory=dict)
    figures: dict[str, JsonValue] = Field(default_factory=dict)


class HealthSignal(BaseModel):
    """The verdict on one capability instance after a change, with both measures as its evidence."""

    model_config = ConfigDict(frozen=True)

    capability: str
    target: str | None = None
    status: HealthStatus
    violations: list[str]
    checks_evaluated: int
    evidence: dict[str, JsonValue] = Field(default_factory=dict)


def regressions(before: HealthMeasure | None, after: HealthMeasure) -> list[str]:
    """What is worse after the change: new problems, and rates risen beyond the tolerance."""
    known = set(before.problems) if before is not None else set()
    worse = [p for p in after.problems if p not in known]
    for name, rate in sorted(after.rates.items()):
        prior = before.rates.get(name) if before is not None else None
        if prior is not None and rate > prior + RATE_TOLERANCE:
            worse.append(f"{name} rose from {prior:.0%} to {rate:.0%}")
    return worse


def judge(capability: str, target: str | None, before: HealthMeasure | None, after: HealthMeasure) -> HealthSignal:
    """UNHEALTHY on any regression, UNKNOWN without evidence after the change, else HEALTHY."""
    worse = regressions(before, after)
    evidence: dict[str, JsonValue] = {"before": before.model_dump(mode="json") if before else None,
                                      "after": after.model_dump(mode="json")}
    checks = len(after.problems) + len(after.rates) + (1 if after.evidence else 0)
    if worse:
        return HealthSignal(capability=capability, target=target, status="UNHEALTHY", violations=worse,
                            checks_evaluated=checks, evidence=evidence)
    if not after.evidence:
        return HealthSignal(capability=capability, target=target, status="UNKNOWN",
                            violations=["no runtime evidence in the observation window"] + after.problems,
                            checks_evaluated=checks, evidence=evidence)
    return HealthSignal(capability=capability, target=target, status="HEALTHY",
                        violations=[f"already before the change: {p}" for p in after.problems],
                        checks_evaluated=checks, evidence=evidence)

"""Step 8: platform health. Per-capability checks and invariants from the registry decide health.

Health is the authority: its signals are computed here from the state alone, never from what a job
claims, and nothing downstream may override them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

HealthStatus = Literal["HEALTHY", "UNHEALTHY", "UNKNOWN"]
_TYPES: dict[str, tuple[type, ...]] = {"number": (int, float), "boolean": (bool,), "string": (str,)}


class CapabilityCheck(BaseModel):
    """One invariant on one key of a capability's state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, max_length=100)
    required: bool = True
    type: Literal["number", "boolean", "string"] | None = None
    min: float | None = None
    max: float | None = None
    one_of: list[str | int | float | bool] | None = None


class HealthSignal(BaseModel):
    """The verdict on one capability after a change."""

    model_config = ConfigDict(frozen=True)

    capability: str
    status: HealthStatus
    violations: list[str]
    checks_evaluated: int


def _type_ok(value: Any, wanted: str) -> bool:
    if wanted == "number" and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[wanted])


def _violations(check: CapabilityCheck, state: dict[str, Any]) -> list[str]:
    if check.key not in state or state[check.key] is None:
        return [f"{check.key} is missing"] if check.required else []
    value = state[check.key]
    if check.type and not _type_ok(value, check.type):
        return [f"{check.key}={value!r} is not a {check.type}"]
    out: list[str] = []
    if check.min is not None and isinstance(value, int | float) and value < check.min:
        out.append(f"{check.key}={value} below minimum {check.min}")
    if check.max is not None and isinstance(value, int | float) and value > check.max:
        out.append(f"{check.key}={value} above maximum {check.max}")
    if check.one_of is not None and value not in check.one_of:
        out.append(f"{check.key}={value!r} not one of {check.one_of}")
    return out


def evaluate_capability(capability: str, checks: list[CapabilityCheck], state: dict[str, Any] | None
                        ) -> HealthSignal:
    """HEALTHY when every check holds, UNHEALTHY on any violation, UNKNOWN without evidence."""
    if state is None or not checks:
        reason = "no state recorded" if state is None else "no health checks registered"
        return HealthSignal(capability=capability, status="UNKNOWN", violations=[reason], checks_evaluated=0)
    violations = [v for check in checks for v in _violations(check, state)]
    return HealthSignal(capability=capability, status="UNHEALTHY" if violations else "HEALTHY",
                        violations=violations, checks_evaluated=len(checks))

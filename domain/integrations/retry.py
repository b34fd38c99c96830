"""When a failed delivery is tried again, and when it is parked instead (dead-lettered, waiting for a redrive)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RetrySchedule(BaseModel):
    """Exponential backoff from `initial_seconds`, doubling, capped at `backoff_max_seconds`; a delivery is parked
    after `max_attempts` attempts or once `max_age_seconds` have passed since its first attempt, whichever is first.
    """

    model_config = ConfigDict(frozen=True)

    initial_seconds: float = Field(default=1.0, gt=0)
    backoff_max_seconds: float = Field(default=300.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    max_age_seconds: float = Field(default=24 * 3600.0, gt=0)


def backoff(schedule: RetrySchedule, attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1 for the first)."""
    exponent = min(max(attempt - 1, 0), 62)  # 2**62 s is past any cap; avoids float overflow
    return float(min(schedule.initial_seconds * (2 ** exponent), schedule.backoff_max_seconds))


def next_delay(schedule: RetrySchedule, attempts: int, elapsed_seconds: float) -> float | None:
    """The wait before the next attempt after `attempts` failed ones, `elapsed_seconds` after the first started;
    None: park the delivery (out of attempts, or the next attempt would start past the maximum age).
    """
    if attempts >= schedule.max_attempts:
        return None
    delay = backoff(schedule, attempts)
    if elapsed_seconds + delay > schedule.max_age_seconds:
        return None
    return delay

"""The stress run's figures, per persona and overall, from its calls' verdicts.

Per persona: calls and how many passed, objective completion (calls that walked their expected outcomes and
terminal), exact values (captured values equal to the caller's, of those compared), transfers right (the expected
transfer and only then), voice-to-voice p50/p95 and barge-in reaction p95 (ms, as the worker recorded them),
errors and late frames. A persona passes when every one of its calls passed (a call placed twice counts as passed
when its second call did: the verdict says so); the run passes when every persona did.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, Field

from domain.stress.personas import Persona
from domain.stress.scoring import CallVerdict


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


class Figures(BaseModel):
    """One persona's (or the whole run's) figures."""

    name: str
    calls: int
    passed: int
    retried: int  # calls that passed only when placed a second time
    completion: float  # share of calls that walked their expected outcomes and terminal
    values: int
    exact: int
    transfers_right: float  # share of calls with the expected transfer, and only then
    voice_to_voice_p50_ms: float | None
    voice_to_voice_p95_ms: float | None
    barge_in_p95_ms: float | None
    errors: int
    late_frames: int
    failures: list[str] = Field(default_factory=list)  # "call_sid: problem", the first of each failed call

    @property
    def ok(self) -> bool:
        """Every call passed."""
        return self.passed == self.calls


def figures(name: str, verdicts: Sequence[CallVerdict]) -> Figures:
    """The figures of these calls."""
    calls = len(verdicts) or 1
    v2v = [float(ms) for v in verdicts for ms in v.voice_to_voice_ms]
    barge = [float(ms) for v in verdicts for ms in v.barge_in_ms]
    return Figures(
        name=name, calls=len(verdicts), passed=sum(v.passed for v in verdicts),
        retried=sum(v.passed and v.attempts > 1 for v in verdicts),
        completion=round(sum(v.completed for v in verdicts) / calls, 3),
        values=sum(v.values for v in verdicts), exact=sum(v.exact for v in verdicts),
        transfers_right=round(sum(v.transfers_right for v in verdicts) / calls, 3),
        voice_to_voice_p50_ms=percentile(v2v, 50), voice_to_voice_p95_ms=percentile(v2v, 95),
        barge_in_p95_ms=percentile(barge, 95), errors=sum(len(v.errors) for v in verdicts),
        late_frames=sum(v.late_frames for v in verdicts),
        failures=[f"{v.call_sid}: {v.problems[0]}" for v in verdicts if v.problems])


class StressReport(BaseModel):
    """The run: per persona, overall, and every call's verdict."""

    personas: list[Figures]
    overall: Figures
    calls: list[CallVerdict]
    worker_late_frames: int | None = None  # the worker's own count over the run (its metrics), when it was read
    worker_frames: int | None = None

    @property
    def passed(self) -> bool:
        """Every persona's expectations held."""
        return all(p.ok for p in self.personas)


def summarize(verdicts: Sequence[CallVerdict], *, worker_late_frames: int | None = None,
              worker_frames: int | None = None) -> StressReport:
    """Per persona (in the personas' order) and overall."""
    order = [p for p in Persona if any(v.persona is p for v in verdicts)]
    personas = [figures(p.value, [v for v in verdicts if v.persona is p]) for p in order]
    return StressReport(personas=personas, overall=figures("overall", verdicts), calls=list(verdicts),
                        worker_late_frames=worker_late_frames, worker_frames=worker_frames)

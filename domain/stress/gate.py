"""The stress gate's stage detail: what an operator reads in `GET /v1/onboarding/{id}` when activation is refused.

Per persona its figures; every failed call in full (which persona, open or closed, the seed that redraws the same
caller, what went wrong, the call's stream and its transcript from the events); one sentence for the failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.stress.report import summarize
from domain.stress.scoring import CallVerdict

SHOWN_FAILURES = 10


def _failure(verdict: CallVerdict) -> dict[str, Any]:
    return {"persona": verdict.persona.value, "business_open": verdict.business_open, "seed": verdict.seed,
            "problems": verdict.problems, "first_problems": verdict.first_problems, "attempts": verdict.attempts,
            "expected": [o.model_dump(mode="json") for o in verdict.expected],
            "actual": [o.model_dump(mode="json") for o in verdict.actual],
            "expected_terminal": verdict.expected_terminal, "actual_terminal": verdict.actual_terminal,
            "call_sid": verdict.call_sid, "stream": verdict.stream, "transcript": verdict.transcript}


def stress_detail(total: int, verdicts: Sequence[CallVerdict]) -> dict[str, Any]:
    """The stress stage so far: calls done of the total, per-persona figures, and each failure in full."""
    report = summarize(verdicts)
    failed = [v for v in verdicts if v.problems]
    return {"calls": total, "done": len(verdicts), "passed": len(verdicts) - len(failed),
            "personas": [f.model_dump(mode="json", exclude={"failures"}) | {"ok": f.ok} for f in report.personas],
            "failures": [_failure(v) for v in failed[:SHOWN_FAILURES]]}


def stress_summary(detail: dict[str, Any]) -> str:
    """Why the stress gate refused the version, in one sentence."""
    first = detail["failures"][0] if detail.get("failures") else None
    if first is None:
        return "stress calls failed"
    state = "open" if first["business_open"] else "closed"
    failed = sorted({f["persona"] for f in detail["failures"]})
    return (f"{detail['done'] - detail['passed']} of {detail['calls']} stress calls failed ({', '.join(failed)}); "
            f"first: {first['persona']} ({state}, seed {first['seed']}): {'; '.join(first['problems'])}")

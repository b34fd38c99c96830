"""What each stage reports: the details an operator reads in `GET /v1/onboarding/{id}` and the Temporal UI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.onboarding.messages import Compiled, SmokeCallResult

SHOWN_FAILURES = 10


def compile_detail(compiled: Compiled) -> dict[str, Any]:
    """How big the graph is, how many smoke calls it needs, what no caller can reach."""
    return {"hash": compiled.hash, "objectives": compiled.objectives, "paths": len(compiled.paths),
            "open_paths": sum(p.business_open for p in compiled.paths),
            "closed_paths": sum(not p.business_open for p in compiled.paths),
            "uncovered_objectives": compiled.uncovered_objectives, "uncovered_edges": compiled.uncovered_edges}


def call_line(result: SmokeCallResult) -> dict[str, Any]:
    """One smoke call, in a line: which path, open or closed, where it finished, how long it took."""
    return {"path": result.index, "business_open": result.business_open, "passed": result.passed,
            "terminal": result.actual_terminal, "call_sid": result.call_sid, "seconds": result.seconds,
            "attempts": result.attempts}


def failure(result: SmokeCallResult) -> dict[str, Any]:
    """A failed smoke call in full: the path, expected and actual outcomes, the call's stream and transcript."""
    return {"path": result.index, "business_open": result.business_open, "problems": result.problems,
            "expected": [o.model_dump(mode="json") for o in result.expected],
            "actual": [o.model_dump(mode="json") for o in result.actual],
            "expected_terminal": result.expected_terminal, "actual_terminal": result.actual_terminal,
            "stream": result.stream, "transcript": result.transcript, "attempts": result.attempts,
            "first_problems": result.first_problems}


def smoke_detail(total: int, results: Sequence[SmokeCallResult]) -> dict[str, Any]:
    """The smoke stage so far: calls done of the total, passed, and every failure in full (up to a limit)."""
    done = sorted(results, key=lambda r: r.index)
    failed = [r for r in done if not r.passed]
    return {"paths": total, "done": len(done), "passed": len(done) - len(failed),
            "calls": [call_line(r) for r in done], "failures": [failure(r) for r in failed[:SHOWN_FAILURES]]}


def smoke_summary(detail: dict[str, Any]) -> str:
    """Why the smoke stage failed, in one sentence."""
    first = detail["failures"][0] if detail.get("failures") else None
    if first is None:
        return "smoke tests failed"
    state = "open" if first["business_open"] else "closed"
    return (f"{detail['paths'] - detail['passed']} of {detail['paths']} smoke calls failed; first: path "
            f"{first['path']} ({state}): {'; '.join(first['problems'])}")

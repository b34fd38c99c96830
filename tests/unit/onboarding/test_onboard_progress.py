"""`revos onboard`'s display: the bar, one line per stage, and a failure's reasons."""

from __future__ import annotations

import io
from typing import Any

from workers.onboard_cli import Live, bar, failure_report, stage_line

FAILED: dict[str, Any] = {"status": "failed", "failure": "smoke: 1 of 2 smoke calls failed", "stages": [
    {"stage": "validate", "status": "passed", "seconds": 0.1, "detail": {}},
    {"stage": "smoke", "status": "failed", "seconds": 40.0, "detail": {
        "paths": 2, "done": 2, "passed": 1, "failures": [{
            "path": 1, "business_open": False, "problems": ["the transfer to +61298765000 failed"],
            "stream": "call:CA1", "expected": [{"objective": "name", "kind": "failed", "value": None}],
            "actual": [{"objective": "service", "kind": "chosen", "value": "quote"}],
            "expected_terminal": "transfer to +61298765000", "actual_terminal": "call_back (transfer_failed)"}]}},
    {"stage": "activate", "status": "skipped", "seconds": None, "detail": {}}]}


def test_bar_and_stage_lines() -> None:
    assert bar(3, 6, 6) == "[###---] 3/6" and bar(0, 0, 4) == "[####] 0/0"
    assert stage_line(FAILED["stages"][1]) == "  ✗ smoke       40.0s  [############] 2/2 calls, 1 passed"
    assert stage_line(FAILED["stages"][2]) == "  - activate"


def test_a_failure_names_the_path_the_stream_and_both_outcomes() -> None:
    lines = failure_report(FAILED)
    assert lines[0] == "onboarding failed: smoke: 1 of 2 smoke calls failed"
    assert "  path 1 (closed), call stream call:CA1:" in lines
    assert "    expected name failed then transfer to +61298765000" in lines
    assert "    actual   service chosen quote then call_back (transfer_failed)" in lines


def test_without_a_terminal_each_change_is_printed_once() -> None:
    out = io.StringIO()
    live = Live(out, tty=False)
    live.show("t", FAILED)
    live.show("t", FAILED)
    assert out.getvalue().count("✗ smoke") == 1

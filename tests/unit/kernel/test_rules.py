"""Input rules 1-6, CYCLE_TOO_RECENT, INSUFFICIENT_DATA and INTERNAL_ERROR: code, HTTP status, named field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.kernel.catalog import default_dictionary, default_executors
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import HTTP_STATUS, KernelError, KernelOutput
from tests.unit.kernel.factory import DELETE, NOW, bend, payload, run

BASE = payload()
NO_CAC = {**BASE, "metrics": [m for m in BASE["metrics"] if m["metric_id"] != "cac_blended"]}

# (case, payload, kwargs, code, status, text the message must contain)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, int, str]] = [
    ("rule 1 tenant not in tenants", BASE, {"tenant_exists": False}, "TENANT_NOT_FOUND", 404, "tenant_id"),
    ("rule 2 trigger older than 24h", bend(BASE, "trigger.triggered_at", (NOW - timedelta(hours=24, seconds=1))
                                           .isoformat()), {}, "INVALID_INPUT", 400, "trigger.triggered_at"),
    ("rule 2 trigger in the future", bend(BASE, "trigger.triggered_at", (NOW + timedelta(minutes=6)).isoformat()),
     {}, "INVALID_INPUT", 400, "trigger.triggered_at"),
    ("rule 3 required metric missing", NO_CAC, {}, "INVALID_INPUT", 400, "cac_blended"),
    ("rule 3 metrics empty", bend(BASE, "metrics", []), {}, "INVALID_INPUT", 400, "pipeline_total"),
    ("rule 4 no target", bend(BASE, "targets", {}), {}, "INVALID_INPUT", 400, "targets"),
    ("rule 4 only null targets", bend(BASE, "targets", {"cac_max": None}), {}, "INVALID_INPUT", 400, "targets"),
    ("rule 5 no levers", bend(BASE, "guardrails.allowed_levers", []), {}, "INVALID_INPUT", 400,
     "guardrails.allowed_levers"),
    ("rule 6 payback target missing", bend(BASE, "cfo_guardrails.payback_target_months", DELETE), {},
     "INVALID_INPUT", 400, "cfo_guardrails.payback_target_months"),
    ("rule 6 margin floor missing", bend(BASE, "cfo_guardrails.margin_floor_pct", DELETE), {},
     "INVALID_INPUT", 400, "cfo_guardrails.margin_floor_pct"),
    ("rule 6 cfo_guardrails missing", bend(BASE, "cfo_guardrails", DELETE), {}, "INVALID_INPUT", 400,
     "cfo_guardrails"),
    ("schema bad trigger type", bend(BASE, "trigger.type", "hourly"), {}, "INVALID_INPUT", 400, "trigger.type"),
    ("schema tenant not a uuid", bend(BASE, "tenant_id", "acme"), {}, "INVALID_INPUT", 400, "tenant_id"),
    ("schema naive timestamp", bend(BASE, "trigger.triggered_at", "2026-11-25T11:00:00"), {}, "INVALID_INPUT",
     400, "trigger.triggered_at"),
    ("window reversed", bend(BASE, "analysis_window.start_date", "2026-12-30"), {}, "INVALID_INPUT", 400,
     "analysis_window"),
    ("cycle 11h59m ago", BASE, {"last_cycle_at": NOW - timedelta(hours=11, minutes=59)}, "CYCLE_TOO_RECENT", 429,
     "last cycle"),
    ("min sample 5 with 3 points", bend(BASE, "config", {"min_sample_size": 5}), {}, "INSUFFICIENT_DATA", 422,
     "pipeline_total has 3"),
    ("points outside the window", bend(BASE, "analysis_window.end_date", "2026-11-20"), {}, "INSUFFICIENT_DATA",
     422, "has 0"),
]


@pytest.mark.parametrize(("case", "p", "kwargs", "code", "status", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fails_with_its_code_status_and_field(
    case: str, p: dict[str, Any], kwargs: dict[str, Any], code: str, status: int, text: str
) -> None:
    result = run(p, **kwargs)
    assert isinstance(result, KernelError), case
    assert (result.code, result.http_status) == (code, status)
    assert text in result.message


@pytest.mark.parametrize(("case", "p", "kwargs"), [
    ("trigger exactly 23h ago", bend(BASE, "trigger.triggered_at", (NOW - timedelta(hours=23)).isoformat()), {}),
    ("trigger 4 minutes ahead", bend(BASE, "trigger.triggered_at", (NOW + timedelta(minutes=4)).isoformat()), {}),
    ("only one target", bend(BASE, "targets", {"arr_target": 1_000_000}), {}),
    ("one lever", bend(BASE, "guardrails.allowed_levers", ["pricing"]), {}),
    ("last cycle exactly 12h ago", BASE, {"last_cycle_at": NOW - timedelta(hours=12)}),
    ("optional cfo fields absent", bend(bend(BASE, "cfo_guardrails.runway_threshold_months", DELETE),
                                        "cfo_guardrails.max_cac_by_segment", DELETE), {}),
])
def test_boundaries_that_pass(case: str, p: dict[str, Any], kwargs: dict[str, Any]) -> None:
    assert isinstance(run(p, **kwargs), KernelOutput), case


def test_every_error_code_has_the_contract_status() -> None:
    assert HTTP_STATUS == {"INVALID_INPUT": 400, "TENANT_NOT_FOUND": 404, "INSUFFICIENT_DATA": 422,
                           "CYCLE_TOO_RECENT": 429, "INTERNAL_ERROR": 500}
    for code, status in HTTP_STATUS.items():
        assert KernelError(code=code, message="m").http_status == status  # type: ignore[arg-type]


def test_rule_order_tenant_before_other_rules() -> None:
    result = run(bend(BASE, "targets", {}), tenant_exists=False)
    assert isinstance(result, KernelError) and result.code == "TENANT_NOT_FOUND"


def test_output_failing_rule_2_is_internal_error() -> None:
    dictionary = {k: v for k, v in default_dictionary().items() if k != "pipeline_total"}
    result = run_cycle(BASE, now=NOW, cycle_id="c", dictionary=dictionary, executors=default_executors(),
                       last_cycle_at=None)
    assert isinstance(result, KernelError) and result.http_status == 500
    assert "rule 2" in result.message


def test_output_failing_rule_3_is_internal_error() -> None:
    executors = {k: v for k, v in default_executors().items() if k != "crm"}
    result = run_cycle(BASE, now=NOW, cycle_id="c", dictionary=default_dictionary(), executors=executors,
                       last_cycle_at=None)
    assert isinstance(result, KernelError) and result.code == "INTERNAL_ERROR"
    assert "rule 3" in result.message


class Exploding(dict[str, Any]):
    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("dictionary backend down")


def test_unexpected_exception_becomes_internal_error_not_a_raise() -> None:
    result = run_cycle(BASE, now=NOW, cycle_id="c", dictionary=Exploding(), executors=default_executors(),
                       last_cycle_at=None)
    assert isinstance(result, KernelError) and result.code == "INTERNAL_ERROR"
    assert result.details and result.details["exception"] == "RuntimeError"


def test_guardrails_leaving_no_action_is_invalid_input() -> None:
    p = bend(BASE, "guardrails.blocked_actions", ["config_change", "experiment", "pause", "scale", "revert"])
    result = run(p)
    assert isinstance(result, KernelError) and result.code == "INVALID_INPUT"
    assert "guardrails" in result.message


@pytest.mark.parametrize("junk", [None, [], "text", 42, {"tenant_id": None}])
def test_non_object_payloads_are_invalid_input(junk: Any) -> None:
    result = run(junk)
    assert isinstance(result, KernelError) and result.code == "INVALID_INPUT"

"""Input rules 1-6, CYCLE_TOO_RECENT, INSUFFICIENT_DATA and INTERNAL_ERROR: code, HTTP status, named field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.kernel.catalog import default_dictionary, default_executors
from domain.kernel.kernel import run_cycle
from domain.kernel.outputs import HTTP_STATUS, KernelError, KernelOutput
from tests.helpers.kernel_payloads import DELETE, NOW, bend, run
from tests.helpers.kernel_rules import BASE, CASES


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

"""The contract models and their committed JSON Schemas: files up to date, contract shapes in, wrong shapes out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from domain.kernel.inputs import KernelInput
from domain.kernel.json_schemas import CONTRACT_MODELS, contract_schemas
from domain.kernel.outputs import KernelError, KernelOutput, dump_contract
from infra.kernel_schema_files import SCHEMA_DIR, render
from tests.helpers.kernel_payloads import DELETE, bend, payload, run


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("name", list(CONTRACT_MODELS))
def test_committed_schema_files_equal_the_generated_ones(name: str) -> None:
    committed = Path(SCHEMA_DIR / f"{name}.json").read_text()
    assert committed == render(contract_schemas()[name]), "run `python -m infra.kernel_schema_files`"


def test_field_names_match_the_contract() -> None:
    assert list(KernelInput.model_fields) == [
        "tenant_id", "trigger", "analysis_window", "targets", "guardrails", "cfo_guardrails", "metrics",
        "revenue_events", "campaigns", "opportunities", "recent_action_results", "config"]
    assert list(KernelOutput.model_fields) == [
        "tenant_id", "cycle_id", "executed_at", "version", "cycle_summary", "actions", "data_quality_actions",
        "learning_plan"]
    schema = contract_schemas()["KernelInput"]
    assert schema["required"] == ["tenant_id", "trigger", "analysis_window", "targets", "guardrails",
                                  "cfo_guardrails", "metrics", "revenue_events", "campaigns", "opportunities"]
    assert set(schema["$defs"]["CfoGuardrails"]["required"]) == {
        "payback_target_months", "payback_tolerance_months", "margin_floor_pct", "cash_risk_tolerance"}
    action = contract_schemas()["Action"]
    assert set(action["required"]) == {"action_id", "priority", "owner_subsystem", "type", "target_metric",
                                       "proposed_change", "cfo_score", "guardrails", "observation_window_days",
                                       "expected_impact", "notes_for_humans"}


def test_spec_shaped_payloads_validate_against_schema_files_and_models() -> None:
    p = payload()
    validator("KernelInput").validate(p)
    KernelInput.model_validate(p)
    for metrics in ({}, {"cac_blended": -1}):
        out = run(payload(**metrics))
        assert isinstance(out, KernelOutput)
        body = dump_contract(out)
        validator("KernelOutput").validate(body)
        for a in body["actions"]:
            validator("Action").validate(a)
        for dq in body.get("data_quality_actions", []):
            validator("DataQualityAction").validate(dq)
        assert KernelOutput.model_validate(body) == out
    error = run(bend(p, "targets", {}))
    assert isinstance(error, KernelError)
    validator("KernelError").validate(dump_contract(error))


WRONG_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("missing tenant_id", bend(payload(), "tenant_id", DELETE)),
    ("tenant_id not a uuid", bend(payload(), "tenant_id", "acme")),
    ("unknown trigger type", bend(payload(), "trigger.type", "hourly")),
    ("unknown lever", bend(payload(), "guardrails.allowed_levers", ["tv"])),
    ("metric value a word", bend(payload(), "metrics", [{"metric_id": "x", "value": "high", "date": "2026-11-01"}])),
    ("bad date", bend(payload(), "analysis_window.start_date", "yesterday")),
    ("unknown field", bend(payload(), "surprise", 1)),
    ("unknown cash tolerance", bend(payload(), "cfo_guardrails.cash_risk_tolerance", "extreme")),
    ("missing allowed_levers", bend(payload(), "guardrails.allowed_levers", DELETE)),
    ("campaigns not a list", bend(payload(), "campaigns", {"id": "c"})),
    ("bad outcome", bend(payload(), "recent_action_results", [{
        "action_id": "a", "target_metric": "m", "baseline_value": 1, "observed_value": 1, "delta": 0,
        "confidence": 1, "outcome": "great"}])),
    ("bad config risk", bend(payload(), "config", {"risk_tolerance": "wild"})),
]


@pytest.mark.parametrize(("case", "p"), WRONG_INPUTS, ids=[c[0] for c in WRONG_INPUTS])
def test_wrong_input_shapes_are_refused_by_schema_file_and_model(case: str, p: dict[str, Any]) -> None:
    assert list(validator("KernelInput").iter_errors(p)), case
    with pytest.raises(ValidationError):
        KernelInput.model_validate(p)


def good_output() -> dict[str, Any]:
    out = run(payload())
    assert isinstance(out, KernelOutput)
    return dump_contract(out)


WRONG_OUTPUTS: list[tuple[str, dict[str, Any]]] = [
    ("wrong version", bend(good_output(), "version", "revenue_os_v1.0")),
    ("unknown constraint", bend(good_output(), "cycle_summary.binding_constraint", "budget")),
    ("unknown gate", bend(good_output(), "cycle_summary.cfo_gates_triggered", ["runway_low"])),
    ("confidence above 1", bend(good_output(), "cycle_summary.confidence", 1.5)),
    ("missing learning plan", bend(good_output(), "learning_plan", DELETE)),
]


@pytest.mark.parametrize(("case", "body"), WRONG_OUTPUTS, ids=[c[0] for c in WRONG_OUTPUTS])
def test_wrong_output_shapes_are_refused(case: str, body: dict[str, Any]) -> None:
    assert list(validator("KernelOutput").iter_errors(body)), case
    with pytest.raises(ValidationError):
        KernelOutput.model_validate(body)


@pytest.mark.parametrize(("field", "value"), [("priority", 8), ("priority", 0), ("owner_subsystem", "finance"),
                                              ("type", "delete"), ("cfo_score", "high"), ("cfo_score", DELETE)])
def test_wrong_action_shapes_are_refused(field: str, value: Any) -> None:
    body = bend(good_output()["actions"][0], field, value)
    assert list(validator("Action").iter_errors(body))


@pytest.mark.parametrize("body", [{"error": False, "code": "INVALID_INPUT", "message": "m"},
                                  {"error": True, "code": "TEAPOT", "message": "m"},
                                  {"error": True, "code": "INVALID_INPUT"}])
def test_wrong_error_shapes_are_refused(body: dict[str, Any]) -> None:
    assert list(validator("KernelError").iter_errors(body))
    with pytest.raises(ValidationError):
        KernelError.model_validate(body)

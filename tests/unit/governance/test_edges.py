"""Pure edges of governed change: storable text, kernel policy changes, founder notices."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, JsonValue, ValidationError

from domain.errors import InvalidInput
from domain.governance.notices import notice
from domain.kernel.policy_change import apply_change, flatten, key_problem, policy_keys, unflatten
from domain.text import MAX_JSON_CHARS, RequiredText, SafeJson, SafeText

POLICY: dict[str, Any] = {
    "targets": {"cac_max": 1200, "pipeline_total": 500000},
    "guardrails": {"max_daily_spend": 2000, "allowed_levers": ["campaigns"]},
    "cfo_guardrails": {"payback_target_months": 12, "payback_tolerance_months": 2, "margin_floor_pct": 60,
                       "cash_risk_tolerance": "medium"}}


class Body(BaseModel):
    text: SafeText = ""
    required: RequiredText = "x"
    payload: SafeJson = {}


def _type(**fields: Any) -> str:
    with pytest.raises(ValidationError) as info:
        Body(**fields)
    return str(info.value.errors()[0]["type"])


def test_text_storage_cannot_hold_is_refused_with_a_code() -> None:
    assert Body(text="café ☕ 𝄞", payload={"k": ["fine", 1, None, {"deep": True}]})
    assert _type(text="a\x00b") == "nul_character"
    assert _type(payload={"a": {"b\x00": 1}}) == "nul_character"
    assert _type(payload={"a": ["\ud800"]}) == "unpaired_surrogate"
    assert _type(payload={"blob": "x" * MAX_JSON_CHARS}) == "json_too_large"
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(20):
        node["a"] = {}
        node = node["a"]
    assert _type(payload=deep) == "body_too_deep"
    assert _type(payload={"n": float("nan")}) == "number_out_of_range"
    assert _type(required="") == "string_too_short" and _type(text="y" * 2001) == "string_too_long"


def test_a_policy_change_is_one_field_of_a_policy_the_kernel_accepts() -> None:
    assert unflatten(flatten(POLICY)) == POLICY
    assert "guardrails.max_daily_spend" in policy_keys() and key_problem("targets.cac_max") is None
    assert key_problem("targets.coffee") and key_problem("budget")
    changed = apply_change(POLICY, "targets.cac_max", 1500)
    assert changed["targets"]["cac_max"] == 1500 and changed["guardrails"] == POLICY["guardrails"]
    assert "cac_max" not in apply_change(POLICY, "targets.cac_max", None)["targets"]
    refused: list[tuple[str, JsonValue]] = [("cfo_guardrails.cash_risk_tolerance", "reckless"),
                                            ("guardrails.allowed_levers", ["x"]), ("targets.cac_max", "a lot"),
                                            ("targets.coffee", 1)]
    for key, value in refused:
        with pytest.raises(InvalidInput) as info:
            apply_change(POLICY, key, value)
        assert info.value.code == "invalid_policy_change"
    # the model accepts no lever at all; the kernel's rule 5 refuses it at run time: health's call
    assert apply_change(POLICY, "guardrails.allowed_levers", [])["guardrails"]["allowed_levers"] == []


def test_every_notice_says_what_and_until_when() -> None:
    due = datetime(2026, 12, 1, 9, tzinfo=UTC)
    proposed = {"changes": [{"capability": "kernel.policy", "target": "t1", "key": "targets.cac_max", "value": 9}]}
    draft = notice("draft_created", "c1", 2, proposed, due=due)
    assert "v2" in draft.subject and "kernel.policy:t1 targets.cac_max -> 9" in draft.body
    assert due.isoformat() in draft.body and "GET /v1/contracts/c1" in draft.body
    late = notice("audit_inconclusive", "c1", 1, proposed, due=due)
    assert due.isoformat() in late.subject and "rolled back" in late.body
    answer = notice("clarification_answered", "c1", 1, proposed, details={"question": "why?", "answer": "CAC"})
    assert "Q: why?" in answer.body and "A: CAC" in answer.body

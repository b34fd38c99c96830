"""Pure governance rules: validator, eligibility, contract decisions, health, audit, jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.errors import Conflict, InvalidInput
from domain.governance.audit import AuditEvidence, audit, mutations, next_after_audit
from domain.governance.changes import ProposedChange, parse_changes
from domain.governance.contracts import ContractStatus, activation_window, check_decision, risk_level
from domain.governance.eligibility import EligibilityContext, evaluate
from domain.governance.health import HealthMeasure, HealthSignal, judge
from domain.governance.jobs import execution_steps, rollback_steps
from domain.governance.validator import RuleBasedValidator, ValidatedProposal, ValidatorInput

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHANGE = {"capability": "dialer", "key": "max_calls_per_hour", "value": 200}
CTX = EligibilityContext(registered_capabilities=["dialer"], blocking_scopes=[], threshold=0.7,
                         manual_triage_types=["escalation"])


def validate(payload: dict[str, Any], source: str = "crm_feedback") -> ValidatedProposal:
    return RuleBasedValidator().validate(ValidatorInput(source=source, raw_payload=payload))


def test_validator_is_deterministic_and_structured() -> None:
    payload = {"title": "raise the dialer limit", "requested_changes": [CHANGE]}
    first, second = validate(payload), validate(payload)
    assert first == second
    assert first.issue_type == "configuration_change" and first.recommended_action == "create_contract"
    assert first.affected_capabilities == ["dialer"] and first.confidence_score == 0.9
    assert "1 structured change" in first.reason


@pytest.mark.parametrize("payload,issue_type,action", [
    ({"title": "please escalate to the CEO"}, "escalation", "escalate"),
    ({"title": "the export is broken"}, "bug_report", "defer"),
    ({"title": "hello"}, "capability_request", "reject"),
    ({"title": "x", "requested_changes": [{"capability": "BAD NAME", "key": "k", "value": 1}]},
     "capability_request", "reject"),
])
def test_validator_classifies(payload: dict[str, Any], issue_type: str, action: str) -> None:
    out = validate(payload)
    assert (out.issue_type, out.recommended_action) == (issue_type, action)
    assert 0 <= out.confidence_score < 0.7


def test_validator_severity_from_field_words_and_source() -> None:
    assert validate({"severity": "LOW", "title": "outage"}).severity == "low"
    assert validate({"title": "total outage"}).severity == "critical"
    assert validate({"title": "hi"}, source="ops_alert").severity == "high"
    assert validate({"title": "hi"}).severity == "medium"


def test_eligibility_may_and_every_may_not_reason() -> None:
    ok = validate({"title": "raise the limit", "requested_changes": [CHANGE]})
    assert evaluate(ok, CTX).decision == "MAY"
    blocked = CTX.model_copy(update={"blocking_scopes": ["dialer"], "registered_capabilities": []})
    verdict = evaluate(ok, blocked)
    assert verdict.decision == "MAY_NOT" and len(verdict.reasons) == 2
    assert evaluate(ok, CTX.model_copy(update={"blocking_scopes": ["*"]})).decision == "MAY_NOT"
    assert evaluate(ok, CTX.model_copy(update={"threshold": 0.95})).reasons[0].startswith("confidence 0.9 below")
    escalation = validate({"title": "escalate", "requested_changes": [CHANGE]})
    assert any("manual triage" in r for r in evaluate(escalation, CTX).reasons)


def test_changes_schema_refuses_bad_shapes() -> None:
    assert parse_changes({"changes": [CHANGE]}).capabilities() == ["dialer"]
    bad: dict[str, Any]
    two_targets = parse_changes({"changes": [{**CHANGE, "target": "a"}, {**CHANGE, "target": "b"}]})
    assert two_targets.scopes() == ["dialer:a", "dialer:b"] and two_targets.capabilities() == ["dialer"]
    assert parse_changes({"changes": [{**CHANGE, "key": "guardrails.max_daily_spend", "value": [1, 2]}]})
    for bad in ({"changes": []}, {"changes": [{**CHANGE, "extra": 1}]}, {"changes": [CHANGE, CHANGE]},
                {"changes": [{**CHANGE, "key": "a.b.c"}]}, {"changes": [{**CHANGE, "target": "a b"}]}, {}):
        with pytest.raises(InvalidInput) as info:
            parse_changes(bad)
        assert info.value.code == "invalid_proposed_changes"


def test_founder_decisions_allowed_only_on_a_live_current_draft() -> None:
    later = NOW + timedelta(days=7)
    check_decision("approve", ContractStatus.DRAFT, now=NOW, expires_at=later, current=True)
    check_decision("resolve_audit", ContractStatus.AUDIT_INCONCLUSIVE, now=later, expires_at=NOW, current=True)
    refused = [("approve", ContractStatus.DRAFT, later, True, "contract_expired"),
               ("approve", ContractStatus.APPROVED, NOW, True, "contract_wrong_state"),
               ("reject", ContractStatus.DRAFT, NOW, False, "contract_superseded"),
               ("resolve_audit", ContractStatus.FAILED, NOW, True, "contract_wrong_state")]
    for action, status, now, current, code in refused:
        with pytest.raises(Conflict) as info:
            check_decision(action, status, now=now, expires_at=later, current=current)  # type: ignore[arg-type]
        assert info.value.code == code


def test_risk_and_window() -> None:
    assert risk_level("critical", 1) == "high" and risk_level("low", 1) == "low" and risk_level("low", 3) == "high"
    window = activation_window(NOW, 60, 3600)
    assert window.start == NOW + timedelta(minutes=1) and window.contains(NOW + timedelta(minutes=30))
    assert not window.contains(NOW) and not window.contains(NOW + timedelta(hours=2))


def test_health_judges_the_window_after_against_the_window_before() -> None:
    fine = HealthMeasure(evidence=True, rates={"errors": 0.1})
    assert judge("c", "t", fine, fine).status == "HEALTHY"
    broke = HealthMeasure(evidence=True, problems=["the next cycle is refused: INVALID_INPUT (rule 5)"])
    signal = judge("c", "t", fine, broke)
    assert signal.status == "UNHEALTHY" and signal.violations == broke.problems
    assert signal.evidence["before"] == fine.model_dump(mode="json")
    # a fault that was already there is not the change's doing
    assert judge("c", "t", broke, broke).status == "HEALTHY"
    worse = HealthMeasure(evidence=True, rates={"errors": 0.4})
    assert judge("c", "t", fine, worse).violations == ["errors rose from 10% to 40%"]
    assert judge("c", "t", fine, HealthMeasure(evidence=True, rates={"errors": 0.2})).status == "HEALTHY"
    assert judge("c", "t", None, HealthMeasure(evidence=False)).status == "UNKNOWN"
    assert judge("c", "t", None, broke).status == "UNHEALTHY"  # without a baseline every fault is new


def _evidence(**kw) -> AuditEvidence:
    base = {"proposed_changes": [ProposedChange(**CHANGE)], "before": {"dialer": {"max_calls_per_hour": 100}},
            "after": {"dialer": {"max_calls_per_hour": 200}}, "job_status": "COMPLETED",
            "applied_at": [NOW + timedelta(seconds=5)], "window": activation_window(NOW, 0, 60),
            "health": [HealthSignal(capability="dialer", status="HEALTHY", violations=[], checks_evaluated=1)]}
    return AuditEvidence(**{**base, **kw})


def test_audit_pass_fail_inconclusive() -> None:
    assert audit(_evidence()).verdict == "PASS"
    outside = audit(_evidence(after={"dialer": {"max_calls_per_hour": 200}, "billing": {"x": 1}}))
    assert outside.verdict == "FAIL" and "unauthorized mutation of billing.x" in outside.reasons
    assert audit(_evidence(after={"dialer": {"max_calls_per_hour": 150}})).verdict == "FAIL"
    assert audit(_evidence(applied_at=[NOW + timedelta(hours=1)])).verdict == "FAIL"
    assert audit(_evidence(job_status="FAILED")).verdict == "FAIL"
    unhealthy = [HealthSignal(capability="dialer", status="UNHEALTHY", violations=["x"], checks_evaluated=1)]
    assert audit(_evidence(health=unhealthy)).verdict == "FAIL"
    assert audit(_evidence(health=[])).verdict == "INCONCLUSIVE"
    assert audit(_evidence(before=None)).verdict == "INCONCLUSIVE"
    assert audit(_evidence(health=[], job_status="FAILED")).verdict == "FAIL"


def test_fail_always_rolls_back() -> None:
    assert next_after_audit("FAIL", "rollout") == "rollback"
    assert next_after_audit("PASS") == "rollout"
    assert next_after_audit("INCONCLUSIVE") == "escalate"
    assert next_after_audit("INCONCLUSIVE", "rollout") == "rollout"


def test_job_steps_and_rollback_restore_only_the_contract_scopes() -> None:
    before: dict[str, dict[str, Any]] = {"dialer:a": {"n": 1, "on": True}, "notes:b": {"g": "hi"}}
    steps = execution_steps([ProposedChange(capability="dialer", target="a", key="n", value=2),
                             ProposedChange(capability="dialer", target="a", key="extra", value="x")])
    assert [(s.scope, s.op, s.key) for s in steps] == [("dialer:a", "set", "n"), ("dialer:a", "set", "extra")]
    after: dict[str, dict[str, Any]] = {"dialer:a": {"n": 2, "on": True, "extra": "x"},
                                        "notes:b": {"g": "changed by another contract"}}
    assert mutations(before, after) == {("dialer:a", "n"), ("dialer:a", "extra"), ("notes:b", "g")}
    (restore,) = rollback_steps(before, after, ["dialer:a"])
    assert (restore.capability, restore.target, restore.op, restore.state) == ("dialer", "a", "restore",
                                                                               before["dialer:a"])
    assert rollback_steps(before, before, ["dialer:a"]) == []

"""A kernel action filed into governance carries a change that governance's schema accepts."""

from __future__ import annotations

from typing import Any

import pytest

from activities.kernel_issues import KernelIssue, requested_change
from domain.governance.changes import parse_changes


@pytest.mark.parametrize(
    ("proposed", "expected"),
    [
        ({"field": "daily_budget", "current_value": 100, "new_value": 80}, ("daily_budget", 80)),
        ({"field": "price.tier-2", "current_value": "a", "new_value": "b"}, ("price_tier_2", "b")),
        ({"field": "9lives", "current_value": None, "new_value": {"x": 1}}, ("f_9lives", '{"x": 1}')),
    ],
)
def test_requested_change_fits_the_governance_schema(proposed: dict[str, Any], expected: tuple[str, Any]) -> None:
    action = {"action_id": "a1", "type": "config_change", "owner_subsystem": "pricing", "proposed_change": proposed}
    change = requested_change(action)
    assert (change["capability"], change["key"], change["value"]) == ("pricing", *expected)
    payload = KernelIssue(tenant_id="t", cycle_id="c", action=action).raw_payload()
    parsed = parse_changes({"changes": payload["requested_changes"]})
    assert parsed.capabilities() == ["pricing"]


CAMPAIGN = "3f0c9a52-55d6-4a3a-9f57-0b8f3a0f2b11"
TENANT = "8d6d2f7e-2b8e-4d7f-9c55-3f6a3a1e0c42"
POLICY = {"guardrails": {"max_daily_spend": 2000, "allowed_levers": ["campaigns"]}}


@pytest.mark.parametrize(("action", "expected"), [
    ({"owner_subsystem": "campaigns", "type": "scale", "target_entity": {"type": "campaign", "id": CAMPAIGN},
      "proposed_change": {"field": "budget_total", "current_value": 50000.0, "new_value": 60000.0}},
     ("capital.campaign", CAMPAIGN, "budget_usd", 60000.0)),
    ({"owner_subsystem": "campaigns", "type": "pause", "target_entity": {"type": "campaign", "id": CAMPAIGN},
      "proposed_change": {"field": "status", "current_value": "active", "new_value": "paused"}},
     ("capital.campaign", CAMPAIGN, "status", "paused")),
    ({"owner_subsystem": "campaigns", "type": "scale", "target_entity": {"type": "channel", "id": "paid_search"},
      "proposed_change": {"field": "daily_budget_multiplier", "current_value": 1.0, "new_value": 1.2}},
     ("kernel.policy", TENANT, "guardrails.max_daily_spend", 2400.0)),
])
def test_an_action_a_domain_executes_targets_its_capability(action: dict[str, Any], expected: tuple[Any, ...]) -> None:
    from activities.governance_executors import deployment_executors

    payload = KernelIssue(tenant_id=TENANT, cycle_id="c", action={"action_id": "a", **action},
                          policy=POLICY).raw_payload()
    parsed = parse_changes({"changes": payload["requested_changes"]})
    (change,) = parsed.changes
    assert (change.capability, change.target, change.key, change.value) == expected
    assert deployment_executors(30).check(parsed.changes) == []  # the executor will take it as it is


def test_an_action_nothing_here_executes_keeps_its_owner_subsystem() -> None:
    from domain.kernel.assembly import governed_change

    not_capital = {"owner_subsystem": "campaigns", "type": "scale",
                   "target_entity": {"type": "campaign", "id": "cmp-a"},
                   "proposed_change": {"field": "budget_total", "new_value": 1.0}}
    channel_without_ceiling = {"owner_subsystem": "campaigns", "target_entity": {"type": "channel", "id": "x"},
                               "proposed_change": {"field": "daily_budget_multiplier", "new_value": 1.2}}
    assert governed_change(not_capital, TENANT, POLICY) is None
    assert governed_change(channel_without_ceiling, TENANT, {"guardrails": {"allowed_levers": []}}) is None
    payload = KernelIssue(tenant_id=TENANT, cycle_id="c", action={"action_id": "a", **not_capital}).raw_payload()
    assert payload["requested_changes"][0]["capability"] == "campaigns"

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

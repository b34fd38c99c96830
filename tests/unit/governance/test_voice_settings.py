"""voice.tenant_settings, the parts that need no onboarding: what a change may set, and rates from call events."""

from __future__ import annotations

from pathlib import Path

import pytest

from activities.executor_voice import MIN_CALLS, call_rates, settings_change_problems, settings_values
from domain.governance.changes import ProposedChange
from domain.objectives import compile_document, parse_document

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "tenants" / "harbour-plumbing.yaml"
TENANT = "8d6d2f7e-2b8e-4d7f-9c55-3f6a3a1e0c42"


def _change(key: str, value: object) -> ProposedChange:
    return ProposedChange(capability="voice.tenant_settings", target=TENANT, key=key, value=value)  # type: ignore[arg-type]


def test_the_settings_a_change_may_set_are_read_from_the_active_config() -> None:
    config = compile_document(parse_document(EXAMPLE.read_text(), "yaml")).config
    values = settings_values(config)
    assert set(values) == {"hours", "holidays", "transfer_to", "emails", "optional_objectives"}
    assert values["transfer_to"] == config.escalation.transfer_to
    assert values["optional_objectives"] in ("on", "off") and isinstance(values["hours"], dict)


@pytest.mark.parametrize(("key", "value", "ok"), [
    ("hours", {"mon": ["08:00-16:00"]}, True),
    ("holidays", ["2027-01-26"], True),
    ("optional_objectives", "off", True),
    ("transfer_to", "+61290000002", True),
    ("hours", {"mon": ["16:00-08:00"]}, False),
    ("holidays", ["26 January"], False),
    ("emails", ["not an address"], False),
    ("optional_objectives", "sometimes", False),
    ("greeting", "hello", False),
])
def test_a_change_is_checked_by_the_objectives_settings_model(key: str, value: object, ok: bool) -> None:
    assert (settings_change_problems(_change(key, value)) == []) is ok


Counts = dict[tuple[str, str | None], tuple[int, int]]


def test_rates_need_enough_calls_and_measure_bad_outcomes() -> None:
    few: Counts = {("call.started", None): (MIN_CALLS - 1, MIN_CALLS - 1)}
    assert call_rates(few) == (MIN_CALLS - 1, {})
    counts: Counts = {
        ("call.started", None): (10, 10), ("dialogue.ended", None): (9, 9), ("error", None): (6, 3),
        ("objective.outcome", "confirmed"): (30, 10), ("objective.outcome", "failed"): (10, 6),
        ("transfer.requested", None): (4, 4), ("transfer.failed", None): (1, 1)}
    calls, rates = call_rates(counts)
    assert calls == 10
    assert rates == {"calls_with_errors": 0.3, "calls_without_an_end": pytest.approx(0.1),
                     "capture_failures": 0.25, "transfers_failed": 0.25}

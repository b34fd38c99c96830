"""Stored-data input building, the deviation rule, which actions are governed, and the filer port."""

from __future__ import annotations

import builtins
import math
from datetime import UTC, date, datetime
from typing import Any

import pytest

from activities.kernel_issues import GovernanceIssueFiler, KernelIssue, RecordingIssueFiler
from domain.kernel.assembly import StoredFacts, analysis_window, build_input, deviation, governed_actions
from domain.kernel.outputs import KernelError, KernelOutput
from infra.settings import Settings
from tests.helpers.kernel_payloads import payload, run


@pytest.mark.parametrize(("value", "trailing", "pct", "hit"), [
    (125.0, [100.0, 100.0, 100.0], 25.0, False),
    (125.1, [100.0, 100.0, 100.0], 25.0, True),
    (74.9, [100.0, 100.0, 100.0], 25.0, True),
    (500.0, [100.0, 100.0], 25.0, False),          # fewer than min_points trailing values
    (1.0, [0.0, 0.0, 0.0], 25.0, True),            # zero mean: any non-zero value deviates
    (0.0, [0.0, 0.0, 0.0], 25.0, False),
    (-150.0, [-100.0, -100.0, -100.0], 25.0, True),
])
def test_deviation_rule(value: float, trailing: list[float], pct: float, hit: bool) -> None:
    found = deviation("m", value, trailing, pct, min_points=3)
    assert (found is not None) == hit
    if found and math.isfinite(found.deviation_pct):
        assert found.deviation_pct == pytest.approx(abs(value - found.trailing_mean) / abs(found.trailing_mean) * 100)


def test_build_input_runs_and_without_policy_names_the_missing_fields() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    window = analysis_window(now, 30)
    assert window == (date(2026, 10, 27), date(2026, 11, 25))
    p = payload(at=now)
    facts = StoredFacts(p["metrics"], p["revenue_events"], p["campaigns"], p["opportunities"])
    policy = {k: p[k] for k in ("targets", "guardrails", "cfo_guardrails")}
    assert isinstance(run(build_input(p["tenant_id"], policy, "scheduled", "cron_daily", now, window, facts),
                          now=now), KernelOutput)
    missing = run(build_input(p["tenant_id"], None, "scheduled", "cron_daily", now, window, facts), now=now)
    assert isinstance(missing, KernelError) and missing.code == "INVALID_INPUT"
    assert "cfo_guardrails" in missing.message


def test_governed_actions_are_changes_to_config_pricing_or_spend() -> None:
    out = run(payload(payback_months=20, gross_margin_pct=40))
    assert isinstance(out, KernelOutput)
    governed = {a.action_id for a in governed_actions(out)}
    for a in out.actions:
        changes = a.type != "experiment" or a.owner_subsystem == "pricing" or \
            (a.guardrails.max_additional_spend or 0) > 0
        assert (a.action_id in governed) == changes
    assert governed and governed != {a.action_id for a in out.actions}


def issue() -> KernelIssue:
    return KernelIssue(tenant_id="t", cycle_id="c1", action={"action_id": "pause_worst_campaign@x", "type": "pause",
                                                              "owner_subsystem": "campaigns"})


def test_filer_reports_unavailable_when_governance_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_governance(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith(("activities.governance_intake", "domain.governance")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_governance)
    monkeypatch.setattr("importlib.import_module", lambda name: no_governance(name, fromlist=["x"]))
    filer = GovernanceIssueFiler(None, None, Settings())  # type: ignore[arg-type]
    assert filer.available is False


async def test_recording_filer_is_idempotent_on_external_id() -> None:
    filer = RecordingIssueFiler()
    first = await filer.file(issue(), datetime.now(UTC))
    again = await filer.file(issue(), datetime.now(UTC))
    assert issue().external_id == "c1:pause_worst_campaign@x"
    assert (first.duplicate, again.duplicate) == (False, True) and len(filer.filed) == 1
    assert issue().raw_payload()["tenant_id"] == "t"

"""Pure rules: the transition table, the governor's alerts and stop-loss, its timer, the override doctrine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.capital.lifecycle import (
    Action,
    AlertKind,
    Caps,
    EvaluationFacts,
    Governor,
    check_override,
    due_alerts,
    seconds_to_next_time_mark,
    stop_loss_due,
    transition,
)
from domain.capital.models import ExperimentStatus as S
from domain.capital.models import PauseReason, Verdict
from domain.errors import Conflict

T0 = datetime(2026, 11, 2, tzinfo=UTC)
CAPS = Caps(capital_cap_usd=Decimal(1000), time_cap_days=Decimal(10), tranche_size_usd=Decimal(250))


@pytest.mark.parametrize(("status", "reason", "action", "target"), [
    (S.PLANNED, None, Action.START, S.RUNNING), (S.PAUSED, PauseReason.MANUAL, Action.START, S.RUNNING),
    (S.RUNNING, None, Action.PAUSE, S.PAUSED), (S.RUNNING, None, Action.COMPLETE, S.COMPLETED),
    (S.PAUSED, PauseReason.MANUAL, Action.COMPLETE, S.COMPLETED), (S.PLANNED, None, Action.TERMINATE, S.TERMINATED),
    (S.PAUSED, PauseReason.STOP_LOSS, Action.OVERRIDE, S.RUNNING), (S.RUNNING, None, Action.STOP_LOSS, S.PAUSED),
])
def test_allowed(status: S, reason: PauseReason | None, action: Action, target: S) -> None:
    assert transition(status, reason, action) is target


@pytest.mark.parametrize(("status", "reason", "action", "code"), [
    (S.COMPLETED, None, Action.START, "experiment_final"), (S.TERMINATED, None, Action.TERMINATE, "experiment_final"),
    (S.PLANNED, None, Action.PAUSE, "invalid_transition"), (S.RUNNING, None, Action.START, "invalid_transition"),
    (S.PLANNED, None, Action.COMPLETE, "invalid_transition"),
    (S.PAUSED, PauseReason.STOP_LOSS, Action.START, "stop_loss_requires_override"),
    (S.PAUSED, PauseReason.MANUAL, Action.OVERRIDE, "override_not_applicable"),
])
def test_refused(status: S, reason: PauseReason | None, action: Action, code: str) -> None:
    with pytest.raises(Conflict) as info:
        transition(status, reason, action)
    assert info.value.code == code


def test_alerts_each_once_and_stop_loss_on_capital() -> None:
    g = Governor(caps=CAPS, run_started_at=T0, spend_usd=Decimal(799))
    assert due_alerts(g, T0, 86400) == []
    g.spend_usd = Decimal(800)
    assert due_alerts(g, T0, 86400) == [AlertKind.CAPITAL_80]
    g.raised.append(AlertKind.CAPITAL_80)
    g.spend_usd = Decimal(1200)
    assert due_alerts(g, T0, 86400) == [AlertKind.CAPITAL_90, AlertKind.STOP_LOSS_CAPITAL]
    assert stop_loss_due(g, T0, 86400) is AlertKind.STOP_LOSS_CAPITAL
    assert g.tranches_consumed() == Decimal("4.8")


def test_time_marks_count_running_time_only() -> None:
    g = Governor(caps=CAPS, run_started_at=T0, running_seconds=0)
    assert seconds_to_next_time_mark(g, T0, 1.0) == pytest.approx(8.0)
    g.raised += [AlertKind.TIME_80]
    assert seconds_to_next_time_mark(g, T0 + timedelta(seconds=8), 1.0) == pytest.approx(1.0)
    assert due_alerts(g, T0 + timedelta(seconds=9), 1.0) == [AlertKind.TIME_90]
    assert stop_loss_due(g, T0 + timedelta(seconds=10), 1.0) is AlertKind.STOP_LOSS_TIME
    paused = Governor(caps=CAPS, running_seconds=9.5)
    assert seconds_to_next_time_mark(paused, T0, 1.0) is None and stop_loss_due(paused, T0, 1.0) is None


def facts(verdict: Verdict = Verdict.CONTINUE, at: datetime = T0, cap: int = 2000) -> EvaluationFacts:
    return EvaluationFacts(experiment_id="e1", verdict=verdict, created_at=at,
                           caps=CAPS.model_copy(update={"capital_cap_usd": Decimal(cap)}))


@pytest.mark.parametrize(("evaluation", "code"), [
    (None, "override_requires_evaluation"),
    (facts().model_copy(update={"experiment_id": "e2"}), "evaluation_mismatch"),
    (facts(at=T0 - timedelta(seconds=1)), "evaluation_stale"),
    (facts(Verdict.STOP), "evaluation_not_continue"),
    (facts(cap=1000), "evaluation_caps_reached"),
])
def test_override_doctrine_refusals(evaluation: EvaluationFacts | None, code: str) -> None:
    with pytest.raises(Conflict) as info:
        check_override("e1", evaluation, T0, Decimal(1000), Decimal(1))
    assert info.value.code == code


def test_override_resumes_under_the_evaluations_caps() -> None:
    assert check_override("e1", facts(), T0, Decimal(1000), Decimal(1)).capital_cap_usd == 2000

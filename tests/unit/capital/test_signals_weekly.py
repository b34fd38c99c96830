"""Pure rules: burn-normalized signals per tranche, ISO weeks and the summary renderings."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from domain.capital.signals import DailyPoint, Trend, compute, per, tranche_of
from domain.capital.weekly import WeeklyRow, parse_week, summarize, to_csv, to_html
from domain.errors import InvalidInput


def test_per_thousand_and_missing_spend() -> None:
    assert per(3, Decimal(1500), Decimal(1000)) == Decimal("2.0000")
    assert per(3, Decimal(0), Decimal(1000)) is None


def test_tranche_assignment() -> None:
    size = Decimal(1000)
    assert [tranche_of(Decimal(v), size) for v in (0, 1, 1000, 1000.01, 2999)] == [0, 0, 0, 1, 2]


def test_signals_and_trend() -> None:
    points = [DailyPoint(day=date(2026, 11, d), spend_usd=Decimal(500), installs=i, paid=p)
              for d, i, p in [(2, 1, 0), (3, 1, 0), (4, 2, 1), (5, 3, 1)]]
    s = compute(points, Decimal(1000))
    assert s.spend_usd == 2000 and s.tranches_consumed == 2 and [t.installs for t in s.tranches] == [2, 5]
    assert s.installs_per_1k == Decimal("3.5000") and s.paid_per_2k == Decimal("2.0000")
    assert s.installs_trend is Trend.IMPROVING and s.paid_trend is Trend.IMPROVING
    assert compute([], Decimal(1000)).installs_trend is Trend.INSUFFICIENT_DATA


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "2025-W53", "W48"])
def test_bad_weeks(week: str) -> None:
    with pytest.raises(InvalidInput):
        parse_week(week)


def test_week_bounds_and_renderings() -> None:
    assert parse_week("2026-W45") == (date(2026, 11, 2), date(2026, 11, 9))
    assert parse_week("2026-W53")[0] == date(2026, 12, 28)
    row = WeeklyRow(experiment_id=uuid.uuid4(), experiment_name="A <1>", campaign_id=uuid.uuid4(), campaign_name="c",
                    status="running", spend_week_usd=Decimal("10.5"), spend_total_usd=Decimal(20),
                    tranche_size_usd=Decimal(10), tranches_consumed=Decimal(2), qpcs=1, schedules=2, installs=3,
                    paid_conversions=4, evaluation_recommended=True)
    summary = summarize("2026-W45", [row, row])
    assert summary.totals.spend_week_usd == 21 and summary.totals.evaluations_recommended == 2
    lines = to_csv(summary).splitlines()
    assert len(lines) == 3 and lines[0].startswith("experiment_id,experiment_name")
    assert "A &lt;1&gt;" in to_html(summary)


def test_interpretation_by_the_experiments_denominator() -> None:
    from domain.capital.signals import interpret

    base = compute([], Decimal(1000))
    read = interpret(base, "calculator_installed", "qpc", {"qpc": 8, "calculator_installed": 2})
    assert read.primary_per_denominator == Decimal("0.2500")
    assert interpret(base, "calculator_installed", "qpc", {}).primary_per_denominator is None

"""Burn-normalized signals: outcomes per capital tranche, not per time or headcount (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from pydantic import BaseModel

THOUSAND = Decimal(1000)
TWO_THOUSAND = Decimal(2000)


class DailyPoint(BaseModel):
    """One day of an experiment: its rolled-up spend and its attributed installs and paid conversions."""

    day: date
    spend_usd: Decimal
    installs: int
    paid: int


class Trend(StrEnum):
    """Direction of installs per $1k between the last two tranches."""

    IMPROVING = "improving"
    FLAT = "flat"
    DECLINING = "declining"
    INSUFFICIENT_DATA = "insufficient_data"


class TrancheSignal(BaseModel):
    """What one tranche of capital bought."""

    index: int
    spend_usd: Decimal
    installs: int
    paid: int
    installs_per_1k: Decimal | None
    paid_per_2k: Decimal | None


class Signals(BaseModel):
    """The signals an admin judges by. No verdict: the system surfaces signals, humans decide."""

    spend_usd: Decimal
    tranche_size_usd: Decimal
    tranches_consumed: Decimal
    installs: int
    paid: int
    installs_per_1k: Decimal | None
    paid_per_2k: Decimal | None
    tranches: list[TrancheSignal]
    installs_trend: Trend
    paid_trend: Trend


def per(count: int, spend: Decimal, unit: Decimal) -> Decimal | None:
    """Count per `unit` dollars; None when nothing was spent (missing data is not counted)."""
    if spend <= 0:
        return None
    return (Decimal(count) * unit / spend).quantize(Decimal("0.0001"))


def tranche_of(cumulative_after_day: Decimal, size: Decimal) -> int:
    """The tranche a day belongs to: the one its closing cumulative spend falls in."""
    if cumulative_after_day <= 0:
        return 0
    return max(0, int((cumulative_after_day / size).to_integral_value(ROUND_CEILING)) - 1)


def _trend(values: Sequence[Decimal | None]) -> Trend:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Trend.INSUFFICIENT_DATA
    last, previous = known[-1], known[-2]
    return Trend.IMPROVING if last > previous else Trend.DECLINING if last < previous else Trend.FLAT


def compute(points: Sequence[DailyPoint], tranche_size: Decimal) -> Signals:
    """Signals for one experiment from its daily points (ordered by day)."""
    total = sum((p.spend_usd for p in points), Decimal(0))
    count = int((total / tranche_size).to_integral_value(ROUND_CEILING)) if total > 0 else 0
    installs, paid = [0] * count, [0] * count
    cumulative = Decimal(0)
    for p in points:
        cumulative += p.spend_usd
        if count:
            k = min(tranche_of(cumulative, tranche_size), count - 1)
            installs[k] += p.installs
            paid[k] += p.paid
    tranches = []
    for k in range(count):
        spent = min(tranche_size, total - k * tranche_size)
        tranches.append(TrancheSignal(index=k, spend_usd=spent, installs=installs[k], paid=paid[k],
                                      installs_per_1k=per(installs[k], spent, THOUSAND),
                                      paid_per_2k=per(paid[k], spent, TWO_THOUSAND)))
    all_installs = sum(p.installs for p in points)
    all_paid = sum(p.paid for p in points)
    return Signals(
        spend_usd=total, tranche_size_usd=tranche_size, tranches_consumed=total / tranche_size,
        installs=all_installs, paid=all_paid,
        installs_per_1k=per(all_installs, total, THOUSAND), paid_per_2k=per(all_paid, total, TWO_THOUSAND),
        tranches=tranches,
        installs_trend=_trend([t.installs_per_1k for t in tranches]),
        paid_trend=_trend([t.paid_per_2k for t in tranches]),
    )


class ExperimentSignals(Signals):
    """Signals plus the experiment's own interpretation: its primary event per its denominator event."""

    primary_success_event: str
    denominator_event: str
    event_counts: dict[str, int]
    primary_per_denominator: Decimal | None


def interpret(base: Signals, primary: str, denominator: str, counts: dict[str, int]) -> ExperimentSignals:
    """The experiment defines how facts are read (e.g. installs per QPC); the facts themselves do not change."""
    below = counts.get(denominator, 0)
    rate = (Decimal(counts.get(primary, 0)) / Decimal(below)).quantize(Decimal("0.0001")) if below else None
    return ExperimentSignals(**base.model_dump(), primary_success_event=primary, denominator_event=denominator,
                             event_counts=counts, primary_per_denominator=rate)

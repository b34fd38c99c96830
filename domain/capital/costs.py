"""Cost truth's rules (pure): the tenant's days, USD conversion at a recorded rate, cost-source shares.

A day of cost is the tenant's calendar day in its timezone (en-AU tenants: Australia/Sydney), so a
day may be 23 or 25 hours long. Provider costs arrive in their own currency; they are converted at
the rate recorded for that currency on or before the day, or refused with the reason, never added
to USD as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.errors import Conflict

USD = "USD"
DEFAULT_TIMEZONE = "Australia/Sydney"


@dataclass(frozen=True)
class DayWindow:
    """A tenant's calendar day as an instant range [start, end) (UTC-aware datetimes)."""

    day: date
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def day_window(day: date, timezone: str) -> DayWindow:
    """The tenant's `day`, from its local midnight to the next."""
    zone = ZoneInfo(timezone)
    # In UTC: Python subtracts two times of one zone on the wall clock, which would hide a 23 or 25 hour day.
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return DayWindow(day, start, end)


def local_day(at: datetime, timezone: str) -> date:
    """The tenant's calendar date at an instant."""
    return at.astimezone(ZoneInfo(timezone)).date()


def last_closed_day(now: datetime, timezone: str) -> date:
    """The tenant's most recent day that has ended (yesterday, in its timezone)."""
    return local_day(now, timezone) - timedelta(days=1)


@dataclass(frozen=True)
class SourceCost:
    """One provider's cost for one external key (Twilio account sid, GCP project) on one day."""

    key: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Rate:
    """A recorded conversion: one unit of `currency` is `usd_per_unit` US dollars from `effective_date` on."""

    currency: str
    effective_date: date
    usd_per_unit: Decimal
    recorded_at: datetime


@dataclass(frozen=True)
class Refused:
    """A cost that is not counted, and why (missing data is not counted, and says so)."""

    key: str
    amount: Decimal
    currency: str
    reason: str


def normalize_currency(code: str | None) -> str:
    """ISO 4217 code in capitals; Twilio reports 'usd', BigQuery 'USD'."""
    return (code or "").strip().upper()


def rate_for(currency: str, day: date, rates: Iterable[Rate]) -> Rate | None:
    """The rate in force on `day`: the latest effective on or before it; a later recording corrects an earlier."""
    candidates = [r for r in rates if r.currency == currency and r.effective_date <= day]
    return max(candidates, key=lambda r: (r.effective_date, r.recorded_at), default=None)


def to_usd(costs: Sequence[SourceCost], day: date, rates: Sequence[Rate]) -> tuple[list[tuple[str, Decimal]],
                                                                                   list[Refused]]:
    """Each key's cost in USD (summed per key only once in USD), and what could not be converted."""
    usd: dict[str, Decimal] = {}
    refused: list[Refused] = []
    for cost in costs:
        currency = normalize_currency(cost.currency)
        if currency == USD:
            usd[cost.key] = usd.get(cost.key, Decimal(0)) + cost.amount
            continue
        rate = rate_for(currency, day, rates) if len(currency) == 3 else None
        if rate is None:
            reason = (f"no USD rate recorded for {currency or 'an unnamed currency'} on or before {day}; "
                      f"record one (POST /v1/fx-rates) and roll the day up again")
            refused.append(Refused(cost.key, cost.amount, currency, reason))
            continue
        usd[cost.key] = usd.get(cost.key, Decimal(0)) + (cost.amount * rate.usd_per_unit).quantize(Decimal("0.000001"))
    return sorted(usd.items()), refused


def check_share(taken: Decimal, share: Decimal, source: str, key: str) -> None:
    """Refuse a share that would give out more than the whole of a cost source."""
    if taken + share > 1:
        raise Conflict(f"{source} {key} is already {taken * 100:.2f}% mapped; a {share * 100:.2f}% share would "
                       "exceed the whole", code="cost_source_taken", details={"mapped": str(taken)})

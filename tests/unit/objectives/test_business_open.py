"""Whether the business is open: hours in its timezone, holidays all day, a day that is absent closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.objectives import Business, business_open, compile_document
from tests.unit.objectives.documents import plumber

SYDNEY = compile_document(plumber()).config.business


def sydney(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """A Sydney wall-clock time as UTC (AEDT, UTC+11, from October to April)."""
    return datetime(y, m, d, hh, mm, tzinfo=timezone(timedelta(hours=11))).astimezone(UTC)


@pytest.mark.parametrize(("at", "expected"), [
    (sydney(2026, 11, 25, 6, 59), False),  # Wednesday before opening
    (sydney(2026, 11, 25, 7, 0), True),  # opening minute
    (sydney(2026, 11, 25, 16, 59), True),
    (sydney(2026, 11, 25, 17, 0), False),  # closing minute is closed
    (sydney(2026, 11, 27, 15, 30), False),  # Friday closes at 15:00
    (sydney(2026, 11, 28, 9, 0), True),  # Saturday morning
    (sydney(2026, 11, 29, 10, 0), False),  # Sunday is absent: closed
    (sydney(2026, 12, 25, 10, 0), False),  # a holiday (a Friday)
    (sydney(2026, 12, 24, 10, 0), True),
])
def test_hours_and_holidays(at: datetime, expected: bool) -> None:
    assert business_open(SYDNEY, at) is expected


def test_the_instant_is_read_in_the_business_timezone() -> None:
    # 21:00 UTC on Tuesday is 08:00 on Wednesday in Sydney.
    assert business_open(SYDNEY, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
    perth = SYDNEY.model_copy(update={"timezone": "Australia/Perth"})  # UTC+8: 05:00 on Wednesday
    assert not business_open(perth, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))


def test_daylight_saving_is_followed() -> None:
    # 07:30 in Sydney is 21:30 UTC the day before in winter (AEST, +10) and 20:30 in summer (AEDT, +11).
    assert business_open(SYDNEY, datetime(2026, 6, 9, 21, 30, tzinfo=UTC))  # Wednesday 10 June, AEST
    assert not business_open(SYDNEY, datetime(2026, 6, 9, 20, 30, tzinfo=UTC))
    assert business_open(SYDNEY, datetime(2026, 11, 24, 20, 30, tzinfo=UTC))  # Wednesday 25 November, AEDT


def test_split_days_and_a_whole_day() -> None:
    business = Business.model_validate({
        "name": "Clinic", "timezone": "UTC", "hours": {"mon": ["08:00-12:30", "13:30-18:00"], "sun": ["00:00-24:00"]}})
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert business_open(business, monday.replace(hour=12, minute=29))
    assert not business_open(business, monday.replace(hour=13))
    assert business_open(business, monday.replace(hour=13, minute=30))
    assert business_open(business, datetime(2026, 11, 29, 23, 59, tzinfo=UTC))


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        business_open(SYDNEY, datetime(2026, 11, 25, 9, 0))

"""How the dashboards write numbers, money, instants and durations (Jinja filters)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo


def when(value: datetime | None, tz: str | None = None) -> str:
    """An instant in a timezone (UTC unless the tenant's is given), to the minute."""
    if value is None:
        return "\u2014"
    local = value.astimezone(ZoneInfo(tz) if tz else UTC)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def when_short(value: datetime | None, tz: str | None = None) -> str:
    """Day and time only (the page's footer names the timezone)."""
    if value is None:
        return "\u2014"
    return value.astimezone(ZoneInfo(tz) if tz else UTC).strftime("%d %b %H:%M")


def when_seconds(value: datetime | None, tz: str | None = None) -> str:
    if value is None:
        return "\u2014"
    local = value.astimezone(ZoneInfo(tz) if tz else UTC)
    return local.strftime("%H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def span(seconds: float) -> str:
    """A duration the way people say it: 3 d 4 h, 12 min, 40 s."""
    s = round(abs(seconds))
    days, hours, minutes = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{s} s"


def time_left(until: datetime | None, now: datetime) -> str:
    if until is None:
        return "\u2014"
    seconds = (until - now).total_seconds()
    return f"{span(seconds)} left" if seconds > 0 else f"expired {span(seconds)} ago"


def ms(value: float | int | None) -> str:
    return "\u2014" if value is None else f"{round(value):,} ms"


def duration(value_ms: float | int | None) -> str:
    return "\u2014" if value_ms is None else span(value_ms / 1000)


def money(value: Decimal | float | int | str | None) -> str:
    if value is None:
        return "\u2014"
    return f"${Decimal(str(value)).quantize(Decimal('0.01')):,}"


def money4(value: Decimal | float | int | str | None) -> str:
    """A rate to the hundredth of a cent (per-minute costs are fractions of a cent)."""
    if value is None:
        return "\u2014"
    return f"${Decimal(str(value)).quantize(Decimal('0.0001')):,}"


def pct(value: float | Decimal | None, digits: int = 0) -> str:
    return "\u2014" if value is None else f"{float(value) * 100:.{digits}f}%"


def number(value: float | int | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return "\u2014"
    return f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"


def when_precise(value: datetime | None, tz: str | None = None) -> str:
    """An instant to the millisecond, with its date (for timelines)."""
    if value is None:
        return "\u2014"
    local = value.astimezone(ZoneInfo(tz) if tz else UTC)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d} " + (local.tzname() or "")


def slot(starts: datetime, ends: datetime, all_day: bool = False, tz: str | None = None) -> str:
    """A booked slot in the business's timezone: "26 Nov 15:00-16:00" (an en dash), or "26 Nov (all day)"."""
    zone = ZoneInfo(tz) if tz else UTC
    start, end = starts.astimezone(zone), ends.astimezone(zone)
    if all_day:
        return start.strftime("%d %b") + " (all day)"
    until = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%d %b %H:%M")
    return f"{start.strftime('%d %b %H:%M')}\u2013{until}"


def plain(value: Decimal | float | int | None) -> str:
    """A number as a person types it: 5000, 30.5 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def pretty(value: Any) -> str:
    """JSON for people: indented, keys in their order."""
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


FILTERS = {"when": when, "when_seconds": when_seconds, "span": span, "time_left": time_left, "ms": ms,
           "duration": duration, "money": money, "pct": pct, "number": number, "pretty": pretty,
           "when_precise": when_precise, "plain": plain, "when_short": when_short,
           "money4": money4, "slot": slot}

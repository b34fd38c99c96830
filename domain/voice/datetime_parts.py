"""Reading what an utterance says about a day and a time of day (before it is resolved against `now`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.voice.datetime_words import MONTHS, WEEKDAYS, compact

_M = "|".join(sorted(MONTHS, key=len, reverse=True))
_W = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({_M})\b(?: (\d{{4}})\b)?")
_MONTH_DAY = re.compile(rf"\b({_M}) (?:the )?(\d{{1,2}})(?:st|nd|rd|th)?\b(?! ?(?:am|pm|oclock|:))(?: (\d{{4}})\b)?")
_BARE_DAY = re.compile(r"\b(?:the )(\d{1,2})(?:st|nd|rd|th)\b|\b(\d{1,2})(?:st|nd|rd|th)\b")
_WEEKDAY = re.compile(rf"\b(?:(this|next|coming|on) )?({_W})\b( next week| week after next| week)?")
_PAST = re.compile(rf"\b(yesterday|last (?:{_W}|week|night|month)|ago)\b")
_IN_DAYS = re.compile(r"\bin (\d{1,2}|a) (days?|weeks?|fortnight)\b")
_MERIDIEM = re.compile(r"\b(\d{1,2})(?:[: ]?(\d{2}))? ?(am|pm)\b")
_HALF = re.compile(r"\bhalf (\d{1,2})\b")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
# A recogniser writes "ten thirty" as "1030", "330" or "11 30": read after "at", "around", ...
_AT = r"\b(?:at|around|about|after|from|by|say)"
_RUN_CLOCK = re.compile(rf"{_AT} (1[0-2]|0?[1-9]) ?([0-5]\d)\b(?! ?(?:(?:st|nd|rd|th|minutes?)\b|/))")
_PAST_TO = re.compile(r"\b(half|quarter|\d{1,2})(?: minutes)? (past|to|after) (\d{1,2})\b")
_OCLOCK = re.compile(r"\b(\d{1,2}) ?oclock\b")
_BARE_HOUR = re.compile(rf"{_AT} (\d{{1,2}})\b(?! ?(?:(?:st|nd|rd|th|days?|weeks?)\b|/))")
_PART = re.compile(r"\b(morning|lunchtime|lunch|arvo|afternoon|evening|tonight|night)\b")
_NOON = re.compile(r"\b(noon|midday)\b")


@dataclass(frozen=True)
class Parts:
    """What an utterance said about the day and the time of day."""

    day: date | None = None
    hour: int | None = None
    minute: int = 0
    meridiem: str | None = None
    part: str | None = None
    error: str | None = None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(today: date, month: int, day: int, year: int | None) -> date | str:
    if year is not None:
        year = year + 2000 if year < 100 else year
        return _safe_date(year, month, day) or "invalid_date"
    found = _safe_date(today.year, month, day)
    if found is not None and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found or "invalid_date"


def _weekday(today: date, m: re.Match[str]) -> date:
    ahead = (WEEKDAYS[m.group(2)] - today.weekday()) % 7 or 7
    if m.group(3) == " next week":
        monday = today + timedelta(days=7 - today.weekday())
        return monday + timedelta(days=WEEKDAYS[m.group(2)])
    if m.group(3) == " week after next":
        return today + timedelta(days=ahead + 14)
    if m.group(3):  # "Friday week": a week after the coming Friday
        return today + timedelta(days=ahead + 7)
    return today + timedelta(days=ahead)


def _weekday_on(today: date, weekday: int, number: int) -> date | str:
    """E.g. "Tuesday the 8th": the next 8th of a month (within a year) that falls on a Tuesday."""
    month = today.replace(day=1)
    for _ in range(13):
        found = _safe_date(month.year, month.month, number)
        if found is not None and found >= today and found.weekday() == weekday:
            return found
        month = (month + timedelta(days=32)).replace(day=1)
    return "invalid_date"


def _in_days(today: date, m: re.Match[str]) -> date:
    count = 1 if m.group(1) == "a" else int(m.group(1))
    unit = m.group(2)
    days = 14 if unit == "fortnight" else count * (7 if unit.startswith("week") else 1)
    return today + timedelta(days=days)


def _day(said: str, today: date) -> date | str | None:
    """The day named in `said`, an error code, or None when no day was named."""
    if _PAST.search(said):
        return "in_past"
    if m := _NUMERIC.search(said):
        return _upcoming(today, int(m.group(2)), int(m.group(1)), int(m.group(3)) if m.group(3) else None)
    if m := _DAY_MONTH.search(said):
        return _upcoming(today, MONTHS[m.group(2)], int(m.group(1)), int(m.group(3)) if m.group(3) else None)
    if m := _MONTH_DAY.search(said):
        return _upcoming(today, MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    if re.search(r"\bday after tomorrow\b", said):
        return today + timedelta(days=2)
    if re.search(r"\b(tomorrow|tomoz|tmrw)\b", said):
        return today + timedelta(days=1)
    if re.search(r"\b(today|tonight|this (morning|arvo|afternoon|evening))\b", said):
        return today
    if (m := _WEEKDAY.search(said)) and (bare := _BARE_DAY.search(said)):
        return _weekday_on(today, WEEKDAYS[m.group(2)], int(bare.group(1) or bare.group(2)))
    if m := _WEEKDAY.search(said):
        return _weekday(today, m)
    if m := _IN_DAYS.search(said):
        return _in_days(today, m)
    if m := _BARE_DAY.search(said):
        return _next_day_numbered(today, int(m.group(1) or m.group(2)))
    return None


def _next_day_numbered(today: date, number: int) -> date | str:
    """E.g. "the 8th": this month's 8th, or next month's once it has gone."""
    nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    found = _safe_date(today.year, today.month, number)
    if found is None or found < today:
        found = _safe_date(nxt.year, nxt.month, number)
    return found or "invalid_date"


def _clock(said: str) -> tuple[int, int, str | None] | str | None:
    """(hour, minute, am/pm) from the time words, an error code, or None."""
    if m := _MERIDIEM.search(said):
        return int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if m := _PAST_TO.search(said):
        amount = {"half": 30, "quarter": 15}.get(m.group(1)) or int(m.group(1))
        hour = int(m.group(3))
        if not 0 < amount < 60:
            return "invalid_time"
        if m.group(2) == "to":
            return (hour - 1) % 12 or 12, 60 - amount, None
        return hour, amount, None
    if m := _CLOCK.search(said) or _RUN_CLOCK.search(said):
        return int(m.group(1)), int(m.group(2)), None
    if m := _HALF.search(said):
        return int(m.group(1)), 30, None  # "half two" is 2:30
    if m := _OCLOCK.search(said):
        return int(m.group(1)), 0, None
    if _NOON.search(said):
        return 12, 0, "pm"
    if m := _BARE_HOUR.search(said):
        return int(m.group(1)), 0, None
    return None


def extract(text: str, today: date) -> Parts:
    """Everything the utterance says about when."""
    said = compact(text)
    day = _day(said, today)
    if isinstance(day, str):
        return Parts(error=day)
    clock = _clock(said)
    part_match = _PART.search(said)
    part = part_match.group(1) if part_match else None
    if clock is None:
        return Parts(day=day, part=part)
    if isinstance(clock, str):
        return Parts(error=clock)
    hour, minute, meridiem = clock
    if not 0 <= minute <= 59 or not 0 <= hour <= 23 or (meridiem and not 1 <= hour <= 12):
        return Parts(error="invalid_time")
    return Parts(day=day, hour=hour, minute=minute, meridiem=meridiem, part=part)

"""Date and time capture (en-AU, day-first): "the 3rd of March", "3/4", "next Tuesday", "this arvo", "half past two".

Relative words resolve against `now` in the tenant's timezone; a booking may not be in the past. The value is ISO 8601
with the tenant's offset ("2026-11-26T14:30:00+11:00"), or a plain ISO date when no time or part of day was given.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.voice.datetime_parts import Parts, extract
from domain.voice.datetime_words import ordinal
from domain.voice.spoken import ParseResult, failure, normalise, success

PART_HOURS = {"morning": 9, "lunch": 12, "lunchtime": 12, "arvo": 14, "afternoon": 14, "evening": 18, "tonight": 19,
              "night": 19}  # fmt: skip
_PM_PARTS = {"arvo", "afternoon", "evening", "tonight", "night"}
# When a part of today has already begun, the next whole hour before it ends is offered instead.
PART_ENDS = {"morning": 12, "lunch": 14, "lunchtime": 14, "arvo": 17, "afternoon": 17, "evening": 21, "tonight": 22,
             "night": 22}  # fmt: skip
HORIZON = timedelta(days=366)
# What the caller rules out: "Friday, not Thursday", "no, 4pm not 3pm", "not Wednesday, Thursday", "instead of 3".
_NOT_THIS = re.compile(r"\b(?:not|instead of|rather than)\b[^,.;!?]*")


def _zone(timezone: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        return None


def _local_now(now: datetime, zone: ZoneInfo) -> datetime:
    aware = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def _hour24(parts: Parts) -> int | None:
    hour = parts.hour
    if hour is None:
        return PART_HOURS.get(parts.part or "")
    if parts.meridiem == "am":
        return 0 if hour == 12 else hour
    if parts.meridiem == "pm" or (parts.part in _PM_PARTS and hour < 12):
        return hour if hour == 12 else hour + 12
    if parts.part == "morning" or hour >= 13 or hour == 0:
        return hour
    return hour + 12 if 1 <= hour <= 6 else hour  # business hours: "at 3" is 3 pm, "at 9" is 9 am


def resolve(parts: Parts, now: datetime, zone: ZoneInfo) -> ParseResult:
    """Combine the parts into a validated value; a missing day is the next time it comes round."""
    if parts.error:
        return failure(parts.error)
    local = _local_now(now, zone)
    hour = _hour24(parts)
    if hour is None:
        if parts.day is None:
            return failure("no_date")
        if parts.day < local.date():
            return failure("in_past")
        return _validated(parts.day.isoformat(), local)
    at = time(hour, parts.minute)
    day = parts.day or local.date()
    moment = datetime.combine(day, at, tzinfo=zone)
    if parts.hour is None and parts.day is not None and moment <= local and day == local.date():
        moment = _later_in_part(local, parts.part or "") or moment
    if parts.day is None and moment <= local:
        moment = datetime.combine(day + timedelta(days=1), at, tzinfo=zone)
    if moment <= local:
        return failure("in_past")
    return _validated(moment.isoformat(), local)


def _later_in_part(local: datetime, part: str) -> datetime | None:
    """E.g. "this arvo" said at 3:20 pm: 4 pm, while the afternoon lasts."""
    next_hour = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if next_hour.date() == local.date() and next_hour.hour < PART_ENDS.get(part, 0):
        return next_hour
    return None


def _validated(value: str, local: datetime) -> ParseResult:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local.tzinfo)
    if moment - local > HORIZON:
        return failure("too_far")
    return success(value, readback_date_time(value))


def parse_date_time(text: str, now: datetime, timezone: str) -> ParseResult:
    """A booking date/time in the tenant's timezone from a transcript (or an ISO 8601 value read back)."""
    zone = _zone(timezone)
    if zone is None:
        return failure("bad_timezone")
    local = _local_now(now, zone)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        day = _candidate(text.strip(), zone)
        return resolve(Parts(day=day[0]) if day else Parts(error="invalid_date"), now, zone)
    iso = _iso(text, zone)
    if iso is not None:
        return _validated(iso.isoformat(), local) if iso > local else failure("in_past")
    return resolve(extract(_NOT_THIS.sub(" ", normalise(text)), local.date()), now, zone)


def _iso(text: str, zone: ZoneInfo) -> datetime | None:
    stripped = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?", stripped):
        return None
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(zone)


def repair_date_time(candidate: str, text: str, now: datetime, timezone: str) -> ParseResult:
    """A correction: a new time keeps the day ("no, 3 pm"), a new day keeps the time ("no, Wednesday")."""
    zone = _zone(timezone)
    if zone is None:
        return failure("bad_timezone")
    parts = extract(_NOT_THIS.sub(" ", normalise(text)), _local_now(now, zone).date())
    if parts.error:
        return failure(parts.error)
    old = _candidate(candidate, zone)
    if old is None:
        return resolve(parts, now, zone)
    old_day, old_time = old
    if parts.day is None and parts.hour is None and parts.part is None:
        return failure("unclear_correction")
    if parts.day is None:
        parts = Parts(day=old_day, hour=parts.hour, minute=parts.minute, meridiem=parts.meridiem, part=parts.part)
    elif parts.hour is None and parts.part is None and old_time is not None:
        hour12 = old_time.hour % 12 or 12
        meridiem = "am" if old_time.hour < 12 else "pm"
        parts = Parts(day=parts.day, hour=hour12, minute=old_time.minute, meridiem=meridiem)
    result = resolve(parts, now, zone)
    if result.ok and result.value == candidate:
        return failure("no_change")
    return result


def _candidate(candidate: str, zone: ZoneInfo) -> tuple[date, time | None] | None:
    try:
        if "T" in candidate:
            moment = datetime.fromisoformat(candidate)
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(zone)
            return moment.date(), moment.time()
        return date.fromisoformat(candidate), None
    except ValueError:
        return None


def readback_date_time(value: str) -> str:
    """E.g. "Tuesday the 3rd of March at 2:30 pm" (or without the time for a date)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{moment:%A} the {ordinal(moment.day)} of {moment:%B}"
    if "T" not in value:
        return day
    if moment.minute == 0 and moment.hour in (0, 12):
        return f"{day} at {'midday' if moment.hour == 12 else 'midnight'}"
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}" if moment.minute else f"{hour}"
    return f"{day} at {clock} {'am' if moment.hour < 12 else 'pm'}"

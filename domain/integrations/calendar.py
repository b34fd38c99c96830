"""A requested appointment as a calendar slot, and its iCalendar (RFC 5545) invite text."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict


class Slot(BaseModel):
    """A span of time (timezone-aware); `all_day` for a date without a time."""

    model_config = ConfigDict(frozen=True)

    starts_at: datetime
    ends_at: datetime
    all_day: bool = False


def requested_slot(value: str, timezone: str, slot_minutes: int) -> Slot:
    """`2026-11-26T15:00:00+11:00` -> that time for `slot_minutes`; `2026-11-26` -> that whole day in `timezone`.

    Raises ValueError for anything else (a capture that is not a date or a date and time).
    """
    if len(value) == 10:
        day = date.fromisoformat(value)
        start = datetime.combine(day, time(), ZoneInfo(timezone))
        return Slot(starts_at=start, ends_at=start + timedelta(days=1), all_day=True)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return Slot(starts_at=moment, ends_at=moment + timedelta(minutes=slot_minutes))


def overlaps(slot: Slot, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the slot and the span share any time (touching ends do not)."""
    return slot.starts_at < ends_at and starts_at < slot.ends_at


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, data = [], line.encode("utf-8")
    while len(data) > 75:
        cut = 75
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        out.append(data[:cut].decode("utf-8"))
        data = b" " + data[cut:]
    out.append(data.decode("utf-8"))
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def ics_invite(uid: str, slot: Slot, summary: str, description: str, *, organizer: str, attendees: list[str],
               stamp: datetime) -> str:
    """A one-event VCALENDAR with METHOD:REQUEST (an invitation), CRLF line endings."""
    when = ([f"DTSTART;VALUE=DATE:{slot.starts_at:%Y%m%d}", f"DTEND;VALUE=DATE:{slot.ends_at:%Y%m%d}"]
            if slot.all_day else [f"DTSTART:{_utc(slot.starts_at)}", f"DTEND:{_utc(slot.ends_at)}"])
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Revenue OS//Voice bookings//EN", "METHOD:REQUEST",
             "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{_utc(stamp)}", *when, f"SUMMARY:{_escape(summary)}",
             f"DESCRIPTION:{_escape(description)}", f"ORGANIZER:mailto:{organizer}",
             *(f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{a}" for a in attendees),
             "STATUS:TENTATIVE", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

"""Requested appointments as slots, and the iCalendar text of their invites."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.integrations.calendar import ics_invite, overlaps, requested_slot

STAMP = datetime(2026, 11, 25, tzinfo=UTC)


def test_a_date_is_a_whole_day_in_the_business_timezone_and_a_time_is_one_slot() -> None:
    day = requested_slot("2026-11-26", "Australia/Sydney", 60)
    assert day.all_day and day.starts_at.isoformat() == "2026-11-26T00:00:00+11:00"
    assert (day.ends_at - day.starts_at).days == 1
    at = requested_slot("2026-11-26T15:00:00+11:00", "Australia/Sydney", 45)
    assert not at.all_day and (at.ends_at - at.starts_at).seconds == 45 * 60
    assert overlaps(at, day.starts_at, day.ends_at) and not overlaps(at, at.ends_at, day.ends_at)
    with pytest.raises(ValueError):
        requested_slot("next tuesday", "Australia/Sydney", 60)


def test_the_invite_is_rfc5545_shaped() -> None:
    slot = requested_slot("2026-11-26", "Australia/Sydney", 60)
    text = ics_invite("dlv_1@revos", slot, "Appointment request: O'Brien, Pat", "line one\nline two; more " * 5,
                      organizer="revos@x.example", attendees=["a@x.example", "b@x.example"], stamp=STAMP)
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and text.endswith("\r\n")
    assert "DTSTART;VALUE=DATE:20261126" in lines and "DTEND;VALUE=DATE:20261127" in lines
    assert "SUMMARY:Appointment request: O'Brien\\, Pat" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert sum(line.startswith("ATTENDEE") for line in lines) == 2
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:line one\\nline two\\; more line one" in unfolded
